import { LivingReportsError } from "../../errors/livingReportsError.js";
import { LockBoundBackend } from "../locking/lockBoundBackend.js";
import type { StoreContext } from "../shared/context.js";

/**
 * Holds `<location>.lock`, the lock of one trash entry (`.trash/<id>_<stamp>`): a trashed report
 * has no `by_id/` folder to lock. Every move into or out of an entry, and the index line that
 * goes with it, happens under it: a delete holds it from before its folder lands there until its
 * tombstone is appended, so a restore (which takes it too) can never index the report back before
 * that tombstone (docs/LOCKS.md, "Trash entries"). `fn` writes through the view that checks it.
 *
 * @throws what acquiring the lock throws (LOCK_TIMEOUT, storage errors), what `fn` throws; a
 *   failed release only when `fn` succeeded
 */
export async function withTrashLock<T>(
  ctx: StoreContext,
  location: string,
  fn: (held: LockBoundBackend) => Promise<T>,
): Promise<T> {
  const lock = await ctx.locks.acquire(`${location}.lock`, ctx.options.lock);
  let result: T;
  try {
    result = await fn(new LockBoundBackend(ctx.backend, lock));
  } catch (err) {
    await lock.release().catch((releaseError: unknown) => {
      // `err` is the verdict; a lock left behind goes stale and is reclaimed.
      if (!(releaseError instanceof LivingReportsError)) throw releaseError;
    });
    throw err;
  }
  await lock.release();
  return result;
}
