import { ErrorCode } from "../../errors/errorCodes.js";
import { isLivingReportsError } from "../../errors/livingReportsError.js";
import type { LockHandle } from "../../lock/lockManager.js";
import type { StoreContext } from "../shared/context.js";
import { notFound } from "../shared/inputChecks.js";
import { reportLockPath } from "../shared/layout.js";
import { LockBoundBackend } from "./lockBoundBackend.js";

/** A report's lock, held, with the view of the backend that writes under it. */
export type HeldReportLock = LockBoundBackend<LockHandle>;

/**
 * Takes report `id`'s lock (`by_id/<id>/.lock`) and returns the backend as seen under it: every
 * write through it checks the lock first. The report's cached audit log is pinned to the lock
 * while it is held (its appends are checked against it too, see AuditLogCache.pin); `release()`
 * of the returned `lock` unpins it.
 *
 * @throws LivingReportsError NOT_FOUND when the report folder does not exist; LOCK_TIMEOUT
 */
export async function acquireReportLock(ctx: StoreContext, id: string): Promise<HeldReportLock> {
  let lock: LockHandle;
  try {
    lock = await ctx.locks.acquire(reportLockPath(id), ctx.options.lock);
  } catch (err) {
    if (isLivingReportsError(err, ErrorCode.NOT_FOUND)) throw notFound(id);
    throw err;
  }
  ctx.audit.pin(id, lock);
  let pinned = true;
  const handle: LockHandle = {
    path: lock.path,
    get compromised() {
      return lock.compromised;
    },
    assertHeld: () => lock.assertHeld(),
    onCompromised: (fn) => lock.onCompromised(fn),
    contended: () => lock.contended(),
    onWaiter: (fn) => lock.onWaiter(fn),
    release: async () => {
      if (pinned) {
        pinned = false;
        ctx.audit.unpin(id, lock);
      }
      await lock.release();
    },
  };
  return new LockBoundBackend(ctx.backend, handle);
}

/**
 * Releases a report lock after a successful operation. A lock whose folder is gone (the report
 * moved to the trash with its `.lock`) has nothing left to release.
 */
export async function releaseReportLock(lock: LockHandle): Promise<void> {
  try {
    await lock.release();
  } catch (err) {
    if (!isLivingReportsError(err, ErrorCode.NOT_FOUND)) throw err;
  }
}
