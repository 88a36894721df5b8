import { ErrorCode } from "../errors/errorCodes.js";
import { isLivingReportsError, LivingReportsError } from "../errors/livingReportsError.js";
import type { LockHandle } from "../lock/lockManager.js";
import { parseOutlineBytes } from "../schema/index.js";
import { indexEntryFor } from "./indexLines.js";
import { indexCommitted } from "./indexUpkeep.js";
import { BY_ID, reportDir, TRASH } from "./layout.js";
import { pathExists } from "./pathExists.js";
import type { Mended } from "./reportRecovery.js";
import type { StoreContext } from "./storeContext.js";
import { dropRemnant, loggedMove, removeStrayLocks } from "./trashRecovery.js";
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
 * releases the lock whose `.lock` moved along with the folder and removes that moved `.lock`
 * durably, so a restored report is not found locked (even after a power loss).
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
  await removeStrayLocks(ctx, location);
}

/**
 * Completes a delete cut by a crash after its `delete` event was appended but before the folder
 * moved: moves it to the `trash_location` the event names and tombstones the index. When a
 * half-durable rename left the folder in both places, the by_id remnant is removed durably.
 *
 * @throws LivingReportsError ALREADY_EXISTS when both copies exist but the trash one does not
 *   log the delete (nothing is removed); storage and lock errors
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
  if (await pathExists(ctx.backend, location)) {
    // A half-durable rename left the folder in both places: the logged delete makes the trash
    // copy the report, and the by_id one a remnant.
    if ((await loggedMove(ctx, location, location)) !== "delete") {
      throw new LivingReportsError(
        ErrorCode.ALREADY_EXISTS,
        `report ${id} is both in by_id/ and at ${location}, and the trash copy does not log the delete`,
        { id, path: location },
      );
    }
    await ctx.audit.evict(id);
    await dropRemnant(ctx, reportDir(id), lock, BY_ID);
    await removeStrayLocks(ctx, location);
    mended.push({ report_id: id, action: "removed_move_remnant", file: reportDir(id), detail: location });
  } else {
    await moveToTrash(ctx, id, lock, location);
  }
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
