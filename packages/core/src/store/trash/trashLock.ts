import { LivingReportsError } from "../../errors/livingReportsError.js";
import { LockBoundBackend } from "../locking/lockBoundBackend.js";
import type { StoreContext } from "../shared/context.js";

/**
 * Holds `<location>.lock`, the lock of one trash entry (`.trash/<id>_<stamp>`): a trashed report
 * has no `by_id/` folder to lock. Every move into or out of an entry, and the index line that
 * goes with it, happens under it: a delete holds it from before its event until its tombstone is
 * appended, so a restore (which takes it too) can never index the report back before that
 * tombstone (docs/LOCKS.md, "Trash entries"). `fn` writes through the view that checks it.
 *
 * A release that fails is not reported: `fn` may have committed (a failure then would invite a
 * retry of a done change), and the lock left behind goes stale and is reclaimed by the next
 * taker, which only waits for it.
 *
 * @throws what acquiring the lock throws (LOCK_TIMEOUT, storage errors), what `fn` throws
 */
export async function withTrashLock<T>(
  ctx: StoreContext,
  location: string,
  fn: (held: LockBoundBackend) => Promise<T>,
): Promise<T> {
  const lock = await ctx.locks.acquire(`${location}.lock`, ctx.options.lock);
  try {
    return await fn(new LockBoundBackend(ctx.backend, lock));
  } finally {
    await lock.release().catch((err: unknown) => {
      if (!(err instanceof LivingReportsError)) throw err;
    });
  }
}
