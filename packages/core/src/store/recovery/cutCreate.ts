import { type AuditLog, parseAuditLog } from "../../durable/index.js";
import { ErrorCode } from "../../errors/errorCodes.js";
import { LivingReportsError } from "../../errors/livingReportsError.js";
import { type Outline, parseOutlineBytes } from "../../schema/index.js";
import { eventRecord } from "../audit/auditEvents.js";
import type { StoreContext } from "../shared/context.js";
import { auditPath, outlinePath } from "../shared/layout.js";
import type { Mended } from "../shared/types.js";

/** What an outline that no writer could have produced fails with (not an I/O error). */
const UNLOADABLE: ReadonlySet<string> = new Set([
  ErrorCode.INVALID_OUTLINE,
  ErrorCode.TOO_LARGE,
  ErrorCode.TOO_DEEP,
  ErrorCode.CORRUPT_FILE,
]);

/**
 * Whether `by_id/<id>` (whose entries are `names`) is a create cut by a crash before anything
 * was acknowledged, and so may be removed: its log holds no record (and no damage), and it has no
 * outline that loads. A create cut after its outline rename but before its event is not one:
 * that outline is rolled forward (see {@link recordCutCreate}).
 *
 * @throws LivingReportsError an I/O error reading the folder's files
 */
export async function isAbandonedCreate(ctx: StoreContext, id: string, names: string[]): Promise<boolean> {
  if (names.includes("audit.jsonl")) {
    const read = parseAuditLog(await ctx.backend.readFile(auditPath(id)));
    if (read.lines.length > 0 || read.problems.length > 0) return false;
  }
  if (!names.includes("outline.json")) return true;
  try {
    parseOutlineBytes(await ctx.backend.readFile(outlinePath(id)), ctx.options.limits, outlinePath(id));
    return false;
  } catch (err) {
    if (err instanceof LivingReportsError && UNLOADABLE.has(err.code)) return true;
    throw err;
  }
}

/** A report with a loadable outline and an empty log, found under its lock. */
export interface CutCreate {
  id: string;
  log: AuditLog;
  outline: Outline;
  sha: string;
}

/**
 * Rolls forward a create cut between its outline rename and its event: appends the `create`
 * event (`initial_title`, `outline_version`, `recovered: true`, the outline's sha as baseline),
 * so the report has a history and verify a baseline. The create was never acknowledged, so the
 * report appearing is allowed (G1: as before or as after).
 *
 * @throws LivingReportsError LOCK_COMPROMISED (the append is checked against the report's lock),
 *   or the append's I/O error
 */
export async function recordCutCreate(ctx: StoreContext, cut: CutCreate, mended: Mended[]): Promise<void> {
  await ctx.audit.append(
    cut.id,
    cut.log,
    eventRecord({
      reportId: cut.id,
      action: "create",
      actor: ctx.options.actor,
      at: ctx.options.now(),
      payload: {
        initial_title: cut.outline.title,
        outline_version: cut.outline.outline_version,
        recovered: true,
      },
      outlineSha256: cut.sha,
    }),
  );
  mended.push({
    report_id: cut.id,
    action: "rolled_forward_create",
    file: auditPath(cut.id),
    detail: `outline version ${cut.outline.outline_version}`,
  });
}
