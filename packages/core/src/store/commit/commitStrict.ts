import { atomicReplace } from "../../durable/index.js";
import type { Outline } from "../../schema/index.js";
import { indexEntryFor } from "../index/indexLines.js";
import { indexCommitted } from "../index/indexUpkeep.js";
import type { HeldReportLock } from "../locking/reportLock.js";
import type { RecoveredReport } from "../recovery/reportRecovery.js";
import type { StoreContext } from "../shared/context.js";
import { outlinePath } from "../shared/layout.js";
import { backUpCurrent, pruneAfterCommit } from "./commitBackups.js";
import { changeRecord, type ReadyChange } from "./readyChange.js";
import { rollBackUpdate } from "./uncommit.js";

/**
 * The strict protocol (`strict: true`, and format 1): hard-link the current outline into
 * `backups/` (+ sync of `backups/`); atomically replace the outline (temp, fsync, rename, sync of
 * the folder); append the audit event (`backup_filename`, `outline_version`, `outline_sha256` of
 * the bytes written; one datasync); append the index line (no fsync: rebuilt after a crash);
 * prune backups beyond the retention. Resolves once the outline, backup and event are durable
 * (G2): every file is current on disk at acknowledgement.
 *
 * Failure (docs/GUARANTEES.md#bad-input): until the event is durable, a failure rejects and rolls
 * the outline back to its previous bytes and removes the backup it made (see {@link rollBackUpdate};
 * a failed rollback surfaces, and the next write recovers it as a crash's cut commit). Once the
 * event is durable the change is committed and resolves: an index failure marks the index stale
 * (rebuilt by the next write, or by recovery after a crash), a pruning failure is recorded in the
 * store's `mended` lines.
 *
 * @throws LivingReportsError LOCK_COMPROMISED, or a storage error (nothing committed)
 */
export async function commitStrict(
  ctx: StoreContext,
  report: RecoveredReport,
  held: HeldReportLock,
  ready: ReadyChange,
): Promise<Outline> {
  const { id } = report;
  const { next, bytes, sha, at, options } = ready;
  const made = await backUpCurrent(ctx, report, held, at);
  const backup = made.name;
  try {
    await atomicReplace(held, outlinePath(id), bytes);
    made.appendTried = true;
    await ctx.audit.append(id, report.log, changeRecord(ctx, id, ready, backup, false));
  } catch (err) {
    // Not committed (no durable event), so readers must see the previous outline again and
    // the backup goes; the failed log is dropped by withReportLock and reopened (torn tail
    // cut) by the next write.
    return await rollBackUpdate(ctx, id, held, report.bytes, made, err);
  }
  // Committed: nothing after this point may fail the operation (a retry would apply it twice).
  ctx.audit.rememberOutline(id, sha, structuredClone(next));
  await indexCommitted(ctx, [indexEntryFor(next)]);
  await pruneAfterCommit(ctx, report, held, sha, options);
  return next;
}
