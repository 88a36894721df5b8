import { ErrorCode } from "../../errors/errorCodes.js";
import { LivingReportsError } from "../../errors/livingReportsError.js";
import { reportIds } from "../index/rebuildIndex.js";
import { acquireReportLock, type HeldReportLock } from "../locking/reportLock.js";
import type { StoreContext } from "../shared/context.js";
import { pathExists } from "../shared/files.js";
import { reportDir } from "../shared/layout.js";
import type { Mended } from "../shared/types.js";
import { removeIfAbandonedCreate } from "./abandonedCreate.js";
import { recoverReport } from "./reportRecovery.js";

/**
 * Recovers every report under its lock (after a crashed session): temp files, torn tails, cut
 * commits and deletes, manual edits, creates cut before their event (rolled forward); removes
 * the folder of a create cut with no loadable outline. Lock removals are made durable. A report
 * that cannot be recovered is reported as `unrecoverable` and the rest go on (a delete completed
 * here is not one). Progress `{ phase: "recover" }`. `only`: just these reports.
 */
export async function recoverAllReports(
  ctx: StoreContext,
  mended: Mended[],
  only?: readonly string[],
): Promise<void> {
  const ids = only ?? (await reportIds(ctx));
  for (const [i, id] of ids.entries()) {
    let held: HeldReportLock | undefined;
    try {
      held = await acquireReportLock(ctx, id);
      if (await removeIfAbandonedCreate(ctx, id, held, mended)) held = undefined;
      else await recoverReport(ctx, id, held, mended, "deep");
    } catch (err) {
      if (!(err instanceof LivingReportsError) || err.code === ErrorCode.LOCK_COMPROMISED) throw err;
      await ctx.audit.evict(id);
      // A delete completed by the recovery leaves nothing here: that is mended, not lost.
      if (!(err.code === ErrorCode.NOT_FOUND && !(await pathExists(ctx.backend, reportDir(id))))) {
        mended.push({ report_id: id, action: "unrecoverable", file: reportDir(id), detail: err.message });
      }
    } finally {
      await held?.lock.release().catch(() => undefined);
    }
    // The release removed a lock (maybe a reclaimed stale one): durably, or a power loss revives it.
    if (await pathExists(ctx.backend, reportDir(id))) await ctx.backend.syncDir(reportDir(id));
    ctx.options.onProgress({ phase: "recover", done: i + 1, total: ids.length });
  }
}
