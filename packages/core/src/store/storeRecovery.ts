import { ErrorCode } from "../errors/errorCodes.js";
import { isLivingReportsError, LivingReportsError } from "../errors/livingReportsError.js";
import type { LockHandle } from "../lock/lockManager.js";
import { type IndexEntry, isReportId, parseOutlineBytes } from "../schema/index.js";
import { isAbandonedCreate } from "./cutCreate.js";
import { indexEntryFor } from "./indexLines.js";
import { BY_ID, outlinePath, reportDir } from "./layout.js";
import { pathExists } from "./pathExists.js";
import { acquireReportLock } from "./reportLock.js";
import { type Mended, recoverReport } from "./reportRecovery.js";
import type { StoreContext } from "./storeContext.js";
import { removeTree } from "./trash.js";

/** The report folders of `by_id/` whose names are valid ids (others are never followed, G8). */
export async function reportIds(ctx: StoreContext): Promise<string[]> {
  try {
    return (await ctx.backend.readdir(BY_ID)).filter(isReportId);
  } catch (err) {
    if (isLivingReportsError(err, ErrorCode.NOT_FOUND)) return [];
    throw err;
  }
}

/**
 * Rebuilds `index.jsonl` from the outlines in `by_id/` (atomic replace under the index lock),
 * with progress `{ phase: "rebuild-index" }`. A report whose outline does not load is left out
 * and listed in `mended` as `index_skipped` (verify reports it too).
 *
 * @returns how many reports the index now lists
 */
export async function rebuildIndex(ctx: StoreContext, mended: Mended[]): Promise<{ reports: number }> {
  let count = 0;
  await ctx.index.replace(async () => {
    const ids = await reportIds(ctx);
    const entries: IndexEntry[] = [];
    for (const [i, id] of ids.entries()) {
      try {
        const bytes = await ctx.backend.readFile(outlinePath(id));
        entries.push(indexEntryFor(parseOutlineBytes(bytes, ctx.options.limits, outlinePath(id))));
      } catch (err) {
        if (!(err instanceof LivingReportsError)) throw err;
        // A folder without a loadable outline is not a report the index can list (G5).
        mended.push({ report_id: id, action: "index_skipped", file: outlinePath(id), detail: err.message });
      }
      ctx.options.onProgress({ phase: "rebuild-index", done: i + 1, total: ids.length });
    }
    count = entries.length;
    return entries;
  });
  return { reports: count };
}

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
    let lock: LockHandle | undefined;
    try {
      lock = await acquireReportLock(ctx, id);
      const names = await ctx.backend.readdir(reportDir(id));
      if (await isAbandonedCreate(ctx, id, names)) {
        await removeCutCreate(ctx, id, names, lock, mended);
        lock = undefined;
      } else {
        await recoverReport(ctx, id, lock, mended);
      }
    } catch (err) {
      if (!(err instanceof LivingReportsError) || err.code === ErrorCode.LOCK_COMPROMISED) throw err;
      await ctx.audit.evict(id);
      // A delete completed by the recovery leaves nothing here: that is mended, not lost.
      if (!(err.code === ErrorCode.NOT_FOUND && !(await pathExists(ctx.backend, reportDir(id))))) {
        mended.push({ report_id: id, action: "unrecoverable", file: reportDir(id), detail: err.message });
      }
    } finally {
      await lock?.release().catch(() => undefined);
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
  lock: LockHandle,
  mended: Mended[],
): Promise<void> {
  for (const name of names.filter((n) => n !== ".lock")) {
    lock.assertHeld();
    await removeTree(ctx.backend, `${reportDir(id)}/${name}`);
  }
  await lock.release();
  await ctx.backend.rmdir(reportDir(id));
  await ctx.backend.syncDir(BY_ID);
  mended.push({ report_id: id, action: "removed_incomplete_create", file: reportDir(id) });
}
