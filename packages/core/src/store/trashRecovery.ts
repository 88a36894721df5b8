import { parseAuditLog } from "../durable/index.js";
import { ErrorCode } from "../errors/errorCodes.js";
import { isLivingReportsError } from "../errors/livingReportsError.js";
import type { LockHandle } from "../lock/lockManager.js";
import { BY_ID, reportDir, TRASH } from "./layout.js";
import { pathExists } from "./pathExists.js";
import type { Mended } from "./reportRecovery.js";
import type { StoreContext } from "./storeContext.js";
import { removeTree } from "./trash.js";
import { trashedReportId } from "./trashMoves.js";

/** What the log of a folder says about a move between `by_id/` and the trash. */
export type MoveIntent = "delete" | "restore" | "none";

/**
 * Reads the last complete record of the log at `dir/audit.jsonl`: a `delete` to `location` or a
 * `restored` status change from `location` is a move that was logged (its commit point) and may
 * not have finished. A missing or unreadable log says nothing.
 *
 * @throws LivingReportsError an I/O error other than a missing log
 */
export async function loggedMove(ctx: StoreContext, dir: string, location: string): Promise<MoveIntent> {
  let bytes: Uint8Array;
  try {
    bytes = await ctx.backend.readFile(`${dir}/audit.jsonl`);
  } catch (err) {
    if (isLivingReportsError(err, ErrorCode.NOT_FOUND)) return "none";
    throw err;
  }
  return moveIntentOf(parseAuditLog(bytes).lines.at(-1)?.record, location);
}

/** The move to or from `location` that `record` (a log's last) logs, if it logs one. */
export function moveIntentOf(record: Record<string, unknown> | undefined, location: string): MoveIntent {
  const payload = (record?.payload ?? {}) as Record<string, unknown>;
  if (record?.action_type === "delete" && payload.trash_location === location) return "delete";
  if (record?.action_type === "status_change" && payload.status === "restored") {
    if (payload.restored_from === location) return "restore";
  }
  return "none";
}

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
      await recoverTrashed(ctx, id, location, lock, mended);
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
  lock: LockHandle,
  mended: Mended[],
): Promise<void> {
  if ((await loggedMove(ctx, location, location)) !== "restore") return;
  if (await pathExists(ctx.backend, reportDir(id))) {
    // Only the by_id copy may go on: drop the trash one once the live copy logged this restore.
    if (!(await logHasRestore(ctx, reportDir(id), location))) return;
    await dropRemnant(ctx, location, lock, TRASH);
    mended.push({ report_id: id, action: "removed_move_remnant", file: location, detail: reportDir(id) });
    return;
  }
  await removeStrayLocks(ctx, location);
  lock.assertHeld();
  await ctx.backend.rename(location, reportDir(id));
  await ctx.backend.syncDir(BY_ID);
  await ctx.backend.syncDir(TRASH);
  mended.push({ report_id: id, action: "completed_restore", file: reportDir(id), detail: location });
}

/**
 * Removes `dir`, the obsolete copy of a folder a crash left in two places (files shared with the
 * other copy are only unlinked here), then syncs `parent` so the removal is durable.
 */
export async function dropRemnant(
  ctx: StoreContext,
  dir: string,
  lock: LockHandle,
  parent: string,
): Promise<void> {
  for (const name of await ctx.backend.readdir(dir)) {
    if (name === ".lock") continue;
    lock.assertHeld();
    await removeTree(ctx.backend, `${dir}/${name}`);
  }
  await removeStrayLocks(ctx, dir);
  await ctx.backend.rmdir(dir);
  await ctx.backend.syncDir(parent);
}

/**
 * Removes the report lock (and its reclaim guards) a folder carries into or out of the trash,
 * durably: no process can hold it (the lock lived in `by_id/<id>/`, which the folder left), and a
 * lock moved back into `by_id/` would be found stale.
 */
export async function removeStrayLocks(ctx: StoreContext, dir: string): Promise<void> {
  const stray = (await ctx.backend.readdir(dir)).filter((n) => n === ".lock" || n.startsWith(".lock."));
  if (stray.length === 0) return;
  for (const name of stray) await removeTree(ctx.backend, `${dir}/${name}`);
  await ctx.backend.syncDir(dir);
}

async function logHasRestore(ctx: StoreContext, dir: string, location: string): Promise<boolean> {
  const read = parseAuditLog(await ctx.backend.readFile(`${dir}/audit.jsonl`));
  return read.lines.some((line) => {
    const payload = (line.record.payload ?? {}) as Record<string, unknown>;
    return payload.status === "restored" && payload.restored_from === location;
  });
}
