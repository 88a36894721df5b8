import { parseAuditLog } from "../../durable/index.js";
import { ErrorCode } from "../../errors/errorCodes.js";
import { isLivingReportsError } from "../../errors/livingReportsError.js";
import { LockBoundBackend } from "../locking/lockBoundBackend.js";
import type { StoreContext } from "../shared/context.js";
import { pathExists } from "../shared/files.js";
import { BY_ID, reportDir, TRASH } from "../shared/layout.js";
import { trashedReportId } from "../shared/trashNames.js";
import type { Mended } from "../shared/types.js";
import { loggedMove } from "../trash/moveIntent.js";
import { dropRemnant, removeStrayLocks } from "../trash/trashMoves.js";

/**
 * Finishes the moves between `by_id/` and `.trash/` that a crash (or a failure in a live
 * process) cut after their event was logged, each under the trashed folder's lock: a restore
 * whose `restored` event is logged is completed (the folder moves back to `by_id/`; the caller
 * rebuilds the index), and a folder left in both places by a half-durable rename loses the copy
 * its log makes obsolete (see {@link dropRemnant}). Everything removed is made durable.
 *
 * @param mended - receives `completed_restore` / `removed_move_remnant` lines
 * @throws LivingReportsError storage and lock errors
 */
export async function recoverTrash(ctx: StoreContext, mended: Mended[]): Promise<void> {
  let names: string[];
  try {
    names = await ctx.backend.readdir(TRASH);
  } catch (err) {
    if (isLivingReportsError(err, ErrorCode.NOT_FOUND)) return;
    throw err;
  }
  for (const name of names) {
    const id = trashedReportId(name);
    if (id === undefined) continue;
    const location = `${TRASH}/${name}`;
    const lock = await ctx.locks.acquire(`${location}.lock`, ctx.options.lock);
    try {
      await recoverTrashed(ctx, id, location, new LockBoundBackend(ctx.backend, lock), mended);
    } finally {
      await lock.release();
    }
  }
  // Trash locks just released (some reclaimed stale): their removal must survive a power loss.
  await ctx.backend.syncDir(TRASH);
}

async function recoverTrashed(
  ctx: StoreContext,
  id: string,
  location: string,
  held: LockBoundBackend,
  mended: Mended[],
): Promise<void> {
  if ((await loggedMove(ctx, location, location)) !== "restore") return;
  if (await pathExists(ctx.backend, reportDir(id))) {
    // Only the by_id copy may go on: drop the trash one once the live copy logged this restore.
    if (!(await logHasRestore(ctx, reportDir(id), location))) return;
    await dropRemnant(ctx, location, held, TRASH);
    mended.push({ report_id: id, action: "removed_move_remnant", file: location, detail: reportDir(id) });
    return;
  }
  await removeStrayLocks(ctx.backend, location);
  await held.rename(location, reportDir(id));
  await ctx.backend.syncDir(BY_ID);
  await ctx.backend.syncDir(TRASH);
  mended.push({ report_id: id, action: "completed_restore", file: reportDir(id), detail: location });
}

async function logHasRestore(ctx: StoreContext, dir: string, location: string): Promise<boolean> {
  const read = parseAuditLog(await ctx.backend.readFile(`${dir}/audit.jsonl`));
  return read.lines.some((line) => {
    const payload = (line.record.payload ?? {}) as Record<string, unknown>;
    return payload.status === "restored" && payload.restored_from === location;
  });
}
