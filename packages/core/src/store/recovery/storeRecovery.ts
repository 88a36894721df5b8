import { ErrorCode } from "../../errors/errorCodes.js";
import { LivingReportsError } from "../../errors/livingReportsError.js";
import { reportIds } from "../index/rebuildIndex.js";
import { acquireReportLock, type HeldReportLock } from "../locking/reportLock.js";
import type { StoreContext } from "../shared/context.js";
import { pathExists, removeTree } from "../shared/files.js";
import { BY_ID, reportDir } from "../shared/layout.js";
import type { Mended } from "../shared/types.js";
import { isAbandonedCreate } from "./cutCreate.js";
import { recoverReport } from "./reportRecovery.js";

/**
 * Recovers every report under its lock (after a crashed session): temp files, torn tails, cut
 * commits and deletes, manual edits, creates cut before their event (rolled forward); removes
 * the folder of a create cut with no loadable outline. Lock removals are made durable. A report
 * that cannot be recovered is reported as `unrecoverable` and the rest go on (a delete completed
 * here is not one). Progress `{ phase: "recover" }`.
 */
export async function recoverAllReports(ctx: StoreContext, mended: Mended[]): Promise<void> {
  const ids = await reportIds(ctx);
  for (const [i, id] of ids.entries()) {
    let held: HeldReportLock | undefined;
    try {
      held = await acquireReportLock(ctx, id);
      const names = await ctx.backend.readdir(reportDir(id));
      if (await isAbandonedCreate(ctx, id, names)) {
        await removeCutCreate(ctx, id, names, held, mended);
        held = undefined;
      } else {
        await recoverReport(ctx, id, held, mended);
      }
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

/** A create cut by a crash before its event: nothing was acknowledged, so its folder goes. */
async function removeCutCreate(
  ctx: StoreContext,
  id: string,
  names: string[],
  held: HeldReportLock,
  mended: Mended[],
): Promise<void> {
  for (const name of names.filter((n) => n !== ".lock")) {
    await removeTree(held, `${reportDir(id)}/${name}`);
  }
  await held.lock.release();
  await ctx.backend.rmdir(reportDir(id));
  await ctx.backend.syncDir(BY_ID);
  mended.push({ report_id: id, action: "removed_incomplete_create", file: reportDir(id) });
}
