import { ErrorCode } from "../../errors/errorCodes.js";
import { LivingReportsError } from "../../errors/livingReportsError.js";
import type { HeldReportLock } from "../locking/reportLock.js";
import type { StoreContext } from "../shared/context.js";
import { pathExists } from "../shared/files.js";
import { BY_ID, reportDir } from "../shared/layout.js";
import { pendingDeleteLocation } from "../shared/trashNames.js";
import type { Mended } from "../shared/types.js";
import { loggedMove } from "../trash/moveIntent.js";
import { withTrashLock } from "../trash/trashLock.js";
import { dropRemnant, moveToTrash, removeStrayLocks, tombstone } from "../trash/trashMoves.js";

/**
 * Completes a delete cut by a crash after its `delete` event was appended but before the folder
 * moved: under the trash entry's lock, moves it to the `trash_location` the event names and
 * tombstones the index. When a
 * half-durable rename left the folder in both places, the by_id remnant is removed durably.
 *
 * @throws LivingReportsError ALREADY_EXISTS when both copies exist but the trash one does not
 *   log the delete (nothing is removed); storage and lock errors
 */
export async function completeCutDelete(
  ctx: StoreContext,
  id: string,
  held: HeldReportLock,
  record: Record<string, unknown>,
  mended: Mended[],
): Promise<void> {
  const location = pendingDeleteLocation(record, id);
  if (location === undefined) return;
  // Under the trash entry's lock, as a delete moves (see deleteReport): a restore in another
  // process cannot index the report back before the tombstone.
  await withTrashLock(ctx, location, async () => {
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
      await dropRemnant(ctx, reportDir(id), held, BY_ID);
      await removeStrayLocks(ctx.backend, location);
      mended.push({ report_id: id, action: "removed_move_remnant", file: reportDir(id), detail: location });
    } else {
      await moveToTrash(ctx, id, held, location);
    }
    await tombstone(ctx, location);
  });
  mended.push({ report_id: id, action: "completed_delete", file: reportDir(id), detail: location });
}
