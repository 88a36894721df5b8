import { isLivingReportsError } from "../../errors/livingReportsError.js";
import { type Outline, type OutlineLimits, parseOutlineBytes } from "../../schema/index.js";
import { outlinePath } from "../shared/layout.js";
import { VerifyCode } from "./problemCodes.js";
import type { ProblemList } from "./problemList.js";
import type { ReadOnlyAccess } from "./readOnlyAccess.js";

/** What verify read of a report's `outline.json`. */
export interface OutlineState {
  /** Whether `outline.json` exists (of any kind). */
  present: boolean;
  /** The exact bytes on disk (hashed for G9 even when they do not validate), or null when unreadable. */
  bytes: Uint8Array | null;
  /** The validated outline, or null when it does not validate. */
  outline: Outline | null;
}

/**
 * Checks `by_id/<id>/outline.json` (G1): a regular file that parses, validates under the strict
 * schema within the limits, and names this report.
 *
 * @returns what was found; never throws on content
 */
export async function checkOutline(
  access: ReadOnlyAccess,
  problems: ProblemList,
  id: string,
  limits: OutlineLimits,
): Promise<OutlineState> {
  const file = outlinePath(id);
  const site = { report_id: id, file };
  const stat = await access.stat(file, site);
  if (stat === null) {
    problems.add(VerifyCode.OUTLINE_MISSING, `report ${id} has no outline.json`, site);
    return { present: false, bytes: null, outline: null };
  }
  if (stat.kind !== "file") {
    problems.add(VerifyCode.OUTLINE_INVALID, `${file} is a ${stat.kind}, not a regular file`, site);
    return { present: true, bytes: null, outline: null };
  }
  const bytes = await access.readFile(file, site);
  if (bytes === null) return { present: true, bytes: null, outline: null };
  try {
    const outline = parseOutlineBytes(bytes, limits, file);
    if (outline.report_id !== id) {
      problems.add(VerifyCode.OUTLINE_INVALID, `${file} names report ${outline.report_id}`, site);
      return { present: true, bytes, outline: null };
    }
    return { present: true, bytes, outline };
  } catch (err) {
    if (!isLivingReportsError(err)) throw err;
    problems.add(VerifyCode.OUTLINE_INVALID, `${err.code}: ${err.message}`, site);
    return { present: true, bytes, outline: null };
  }
}
