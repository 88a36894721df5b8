import { ErrorCode } from "../errors/errorCodes.js";
import { isLivingReportsError, LivingReportsError } from "../errors/livingReportsError.js";
import type { LockHandle } from "../lock/lockManager.js";
import { parseOutlineBytes } from "../schema/index.js";
import { indexEntryFor } from "./indexLines.js";
import { indexCommitted } from "./indexUpkeep.js";
import { BY_ID, reportDir, TRASH } from "./layout.js";
import type { Mended } from "./reportRecovery.js";
import type { StoreContext } from "./storeContext.js";
import { ensureDirectory } from "./writerSession.js";

const TRASH_NAME = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})_([0-9A-Za-z_]+)$/;

/** The report id a `.trash/` folder name belongs to, or undefined for a name that is not one. */
export function trashedReportId(name: string): string | undefined {
  return TRASH_NAME.exec(name)?.[1];
}

/** True when `location` is `.trash/<id>_<stamp>` for report `id` (a path the store may rename to). */
export function isTrashLocationOf(location: unknown, id: string): location is string {
  if (typeof location !== "string" || !location.startsWith(`${TRASH}/`)) return false;
  return trashedReportId(location.slice(TRASH.length + 1)) === id;
}

/**
 * Moves `by_id/<id>` to `location` under the report's lock (both directories synced), then
 * releases the lock whose `.lock` moved along with the folder and removes that moved `.lock`,
 * so a restored report is not found locked.
 */
export async function moveToTrash(
  ctx: StoreContext,
  id: string,
  lock: LockHandle,
  location: string,
): Promise<void> {
  const { backend } = ctx;
  await ensureDirectory(backend, TRASH);
  await ctx.audit.evict(id);
  lock.assertHeld();
  await backend.rename(reportDir(id), location);
  await backend.syncDir(TRASH);
  await backend.syncDir(BY_ID);
  try {
    await lock.release();
  } catch (err) {
    // The lock's folder moved into the trash with the report: it can no longer be released in place.
    if (
      !isLivingReportsError(err, ErrorCode.NOT_FOUND) &&
      !isLivingReportsError(err, ErrorCode.LOCK_COMPROMISED)
    ) {
      throw err;
    }
  }
  await removeLockIfPresent(ctx, `${location}/.lock`);
}

/**
 * Completes a delete cut by a crash after its `delete` event was appended but before the folder
 * moved: moves it to the `trash_location` the event names and tombstones the index.
 */
export async function completeCutDelete(
  ctx: StoreContext,
  id: string,
  lock: LockHandle,
  record: Record<string, unknown>,
  mended: Mended[],
): Promise<void> {
  const location = (record.payload as Record<string, unknown> | undefined)?.trash_location;
  if (!isTrashLocationOf(location, id)) return;
  await moveToTrash(ctx, id, lock, location);
  mended.push({ report_id: id, action: "completed_delete", file: reportDir(id), detail: location });
  await tombstone(ctx, location);
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

/** Removes a lock left at `path` (a directory, or a file from the Python fallback lock), if present. */
async function removeLockIfPresent(ctx: StoreContext, path: string): Promise<void> {
  let kind: string;
  try {
    kind = (await ctx.backend.stat(path)).kind;
  } catch (err) {
    if (isLivingReportsError(err, ErrorCode.NOT_FOUND)) return;
    throw err;
  }
  if (kind === "directory") await ctx.backend.rmdir(path);
  else await ctx.backend.unlink(path);
}
