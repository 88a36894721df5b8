import type { HeldReportLock } from "../locking/reportLock.js";
import type { StoreContext } from "../shared/context.js";
import { removeTree } from "../shared/files.js";
import { BY_ID, reportDir } from "../shared/layout.js";
import type { Mended } from "../shared/types.js";
import { isAbandonedCreate } from "./cutCreate.js";

/**
 * Removes report `id`'s folder when it is a create that never got its first event (see
 * {@link isAbandonedCreate}: no record in its log, no outline that loads): nothing in it was ever
 * acknowledged. Left by a crash, or by a create refused on a disk that refused even the removal.
 * Runs under the report's lock (`held`), which it releases before removing the folder the lock
 * lives in. Recorded in `mended` as `removed_incomplete_create`.
 *
 * @returns whether the folder was removed (its lock is then released)
 * @throws LivingReportsError an I/O error reading or removing the folder's files
 */
export async function removeIfAbandonedCreate(
  ctx: StoreContext,
  id: string,
  held: HeldReportLock,
  mended: Mended[],
): Promise<boolean> {
  const names = await ctx.backend.readdir(reportDir(id));
  if (!(await isAbandonedCreate(ctx, id, names))) return false;
  for (const name of names.filter((n) => n !== ".lock")) {
    await removeTree(held, `${reportDir(id)}/${name}`);
  }
  await held.lock.release();
  await ctx.backend.rmdir(reportDir(id));
  await ctx.backend.syncDir(BY_ID);
  mended.push({ report_id: id, action: "removed_incomplete_create", file: reportDir(id) });
  return true;
}
