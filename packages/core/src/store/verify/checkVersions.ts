import { sha256Hex } from "../../util/index.js";
import { auditPath, outlinePath } from "../shared/layout.js";
import { type AuditView, versionOf } from "./auditView.js";
import type { OutlineState } from "./checkOutline.js";
import { VerifyCode } from "./problemCodes.js";
import type { ProblemList } from "./problemList.js";

/**
 * G6: from the first event this library wrote that records an `outline_version`, each later
 * library event recording one must record the previous + 1, and the outline on disk must carry
 * the last one. Lines the Python module wrote are not checked (it did not bump the version on
 * tag or archive). A `manual_edit_detected` event takes whatever version the edit holds, so it
 * starts the sequence afresh.
 */
export function checkVersionSequence(
  problems: ProblemList,
  id: string,
  events: readonly AuditView[],
  outline: OutlineState,
): void {
  let last: { version: number; line: number } | null = null;
  for (const { event, kind, line } of events) {
    if (kind !== "framed") continue;
    const version = versionOf(event);
    if (event.action_type === "manual_edit_detected") {
      last = version === undefined ? null : { version, line };
      continue;
    }
    if (version === undefined) continue;
    if (last !== null && version !== last.version + 1) {
      problems.add(
        VerifyCode.VERSION_SEQUENCE,
        `${event.action_type} ${event.action_id} records outline_version ${version} after ${last.version} (line ${last.line})`,
        { report_id: id, file: auditPath(id), line },
      );
    }
    last = { version, line };
  }
  const current = outline.outline?.outline_version;
  if (last !== null && current !== undefined && current !== last.version) {
    problems.add(
      VerifyCode.VERSION_SEQUENCE,
      `outline.json has outline_version ${current}, the last committed is ${last.version} (audit line ${last.line})`,
      { report_id: id, file: outlinePath(id) },
    );
  }
}

/**
 * G9: the outline's sha256 equals the `outline_sha256` of the last event that records one (the
 * last commit of this library). A legacy report has no such event and no baseline. A mismatch
 * is a change made behind the library's back that no `manual_edit_detected` event records yet.
 */
export function checkOutlineHash(
  problems: ProblemList,
  id: string,
  events: readonly AuditView[],
  outline: OutlineState,
): void {
  if (outline.bytes === null) return;
  const baseline = events.findLast((v) => v.event.outline_sha256 !== undefined);
  if (baseline === undefined) return;
  const observed = sha256Hex(outline.bytes);
  if (observed === baseline.event.outline_sha256) return;
  problems.add(
    VerifyCode.OUTLINE_HASH_MISMATCH,
    `outline.json has sha256 ${observed}, the last commit (audit line ${baseline.line}) recorded ${baseline.event.outline_sha256}: edited outside the library`,
    { report_id: id, file: outlinePath(id) },
  );
}
