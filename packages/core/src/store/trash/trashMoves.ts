import type { StorageBackend } from "../../backend/storageBackend.js";
import { ErrorCode } from "../../errors/errorCodes.js";
import { isLivingReportsError, LivingReportsError } from "../../errors/livingReportsError.js";
import { parseOutlineBytes } from "../../schema/index.js";
import { indexEntryFor } from "../index/indexLines.js";
import { indexCommitted } from "../index/indexUpkeep.js";
import type { HeldReportLock } from "../locking/reportLock.js";
import type { StoreContext } from "../shared/context.js";
import { ensureDirectory, removeTree } from "../shared/files.js";
import { BY_ID, reportDir, TRASH } from "../shared/layout.js";

/**
 * Moves `by_id/<id>` to `location` under the report's lock (both directories synced), then
 * releases the lock whose `.lock` moved along with the folder and removes that moved `.lock`
 * durably, so a restored report is not found locked (even after a power loss).
 */
export async function moveToTrash(
  ctx: StoreContext,
  id: string,
  held: HeldReportLock,
  location: string,
): Promise<void> {
  const { backend } = ctx;
  await ensureDirectory(backend, TRASH);
  await ctx.audit.evict(id);
  await held.rename(reportDir(id), location);
  await backend.syncDir(TRASH);
  await backend.syncDir(BY_ID);
  try {
    await held.lock.release();
  } catch (err) {
    // The lock's folder moved into the trash with the report: it can no longer be released in place.
    if (
      !isLivingReportsError(err, ErrorCode.NOT_FOUND) &&
      !isLivingReportsError(err, ErrorCode.LOCK_COMPROMISED)
    ) {
      throw err;
    }
  }
  await removeStrayLocks(backend, location);
}

/**
 * Removes `dir`, the obsolete copy of a folder a crash left in two places (files shared with the
 * other copy are only unlinked here), its contents through `held` (the view of the lock guarding
 * it), then syncs `parent` so the removal is durable. The locks left in `dir` and `dir` itself go
 * last, through the plain backend: the lock held may be `dir/.lock` itself, which removing ends.
 */
export async function dropRemnant(
  ctx: StoreContext,
  dir: string,
  held: StorageBackend,
  parent: string,
): Promise<void> {
  for (const name of await held.readdir(dir)) {
    if (name === ".lock") continue;
    await removeTree(held, `${dir}/${name}`);
  }
  await removeStrayLocks(ctx.backend, dir);
  await ctx.backend.rmdir(dir);
  await ctx.backend.syncDir(parent);
}

/**
 * Removes the report lock (and its reclaim guards) a folder carries into or out of the trash,
 * durably: no process can hold it (the lock lived in `by_id/<id>/`, which the folder left), and a
 * lock moved back into `by_id/` would be found stale.
 */
export async function removeStrayLocks(backend: StorageBackend, dir: string): Promise<void> {
  const stray = (await backend.readdir(dir)).filter((n) => n === ".lock" || n.startsWith(".lock."));
  if (stray.length === 0) return;
  for (const name of stray) await removeTree(backend, `${dir}/${name}`);
  await backend.syncDir(dir);
}

/** Appends the index tombstone of a report now in `location` (skipped if its outline cannot be read). */
export async function tombstone(ctx: StoreContext, location: string): Promise<void> {
  try {
    const outline = parseOutlineBytes(
      await ctx.backend.readFile(`${location}/outline.json`),
      ctx.options.limits,
    );
    await indexCommitted(ctx, [indexEntryFor(outline, true)]);
  } catch (err) {
    // Without a readable outline there is no entry to write; the next index rebuild drops the report.
    if (!(err instanceof LivingReportsError)) throw err;
  }
}
