import { ErrorCode } from "../../errors/errorCodes.js";
import { isLivingReportsError } from "../../errors/livingReportsError.js";
import { acquireReportLock, type HeldReportLock } from "../locking/reportLock.js";
import type { StoreContext } from "../shared/context.js";
import { ensureDirectory } from "../shared/files.js";
import { BY_ID, backupsDir, reportDir } from "../shared/layout.js";

/**
 * Makes the folder of new report `id` (`by_id/<id>/` and its `backups/`) durably and takes the
 * report's lock. A failure part-way (ENOSPC, EROFS, a lock timeout) removes what this call made
 * before it throws, so a refused create leaves no empty report folder behind (one that a crash
 * leaves is removed by recovery and `repair`: see `isAbandonedCreate`).
 *
 * @returns the report's lock, held
 * @throws LivingReportsError the failing call's error (ALREADY_EXISTS when the folder exists)
 */
export async function makeReportFolder(ctx: StoreContext, id: string): Promise<HeldReportLock> {
  const { backend } = ctx;
  await ensureDirectory(backend, BY_ID);
  await backend.mkdir(reportDir(id));
  try {
    await backend.mkdir(backupsDir(id));
    await backend.syncDir(reportDir(id));
    await backend.syncDir(BY_ID);
    return await acquireReportLock(ctx, id);
  } catch (err) {
    await removeReportFolder(ctx, id);
    throw err;
  }
}

/**
 * Removes the folder of a create that failed before its first event was durable: `backups/`
 * (empty), then the folder (empty once the rollback removed the outline and the log, and the lock
 * is released), then syncs `by_id/`. Best effort: what stays (a rollback that could not remove a
 * file, a disk refusing even removals) is an abandoned create that recovery and `repair` remove.
 */
export async function removeReportFolder(ctx: StoreContext, id: string): Promise<void> {
  const { backend } = ctx;
  try {
    await rmdirIfPresent(ctx, backupsDir(id));
    await rmdirIfPresent(ctx, reportDir(id));
    await backend.syncDir(BY_ID);
  } catch {
    // Left for recovery and repair (see above); the create's own error is the verdict.
  }
}

async function rmdirIfPresent(ctx: StoreContext, path: string): Promise<void> {
  try {
    await ctx.backend.rmdir(path);
  } catch (err) {
    if (!isLivingReportsError(err, ErrorCode.NOT_FOUND)) throw err;
  }
}
