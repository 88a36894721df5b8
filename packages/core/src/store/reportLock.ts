import { ErrorCode } from "../errors/errorCodes.js";
import { isLivingReportsError, LivingReportsError } from "../errors/livingReportsError.js";
import type { LockHandle } from "../lock/lockManager.js";
import { reportLockPath } from "./layout.js";
import { notFound, type RecoveredReport, recoverReport } from "./reportRecovery.js";
import type { StoreContext } from "./storeContext.js";
import type { MutationOptions } from "./types.js";

/**
 * Takes report `id`'s lock (`by_id/<id>/.lock`).
 *
 * @throws LivingReportsError NOT_FOUND when the report folder does not exist; LOCK_TIMEOUT
 */
export async function acquireReportLock(ctx: StoreContext, id: string): Promise<LockHandle> {
  let lock: LockHandle;
  try {
    lock = await ctx.locks.acquire(reportLockPath(id), ctx.options.lock);
  } catch (err) {
    if (isLivingReportsError(err, ErrorCode.NOT_FOUND)) throw notFound(id);
    throw err;
  }
  // While the lock is held the report's cached log is in use: keep it open (see AuditLogCache.pin).
  ctx.audit.pin(id);
  let pinned = true;
  return {
    path: lock.path,
    get compromised() {
      return lock.compromised;
    },
    assertHeld: () => lock.assertHeld(),
    onCompromised: (fn) => lock.onCompromised(fn),
    release: async () => {
      if (pinned) {
        pinned = false;
        ctx.audit.unpin(id);
      }
      await lock.release();
    },
  };
}

/**
 * Runs `fn` on report `id` under its lock, after recovering the report (what was mended is
 * added to `ctx.mended`). The session is started first (FORMAT, session lock). The lock is released
 * whatever happens; after a failure the report's cached audit log is dropped, so the next write
 * re-reads it from disk.
 */
export async function withReportLock<T>(
  ctx: StoreContext,
  id: string,
  fn: (report: RecoveredReport, lock: LockHandle) => Promise<T>,
): Promise<T> {
  await ctx.session.beginWrite();
  const lock = await acquireReportLock(ctx, id);
  let result: T;
  try {
    const report = await recoverReport(ctx, id, lock, ctx.mended);
    result = await fn(report, lock);
  } catch (err) {
    await ctx.audit.evict(id);
    // The operation's own error is the verdict; a failed release would only hide it (the lock
    // then turns stale and is reclaimed).
    await lock.release().catch(() => undefined);
    throw err;
  }
  await releaseReportLock(lock);
  return result;
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

/**
 * Checks `options.expectedVersion` against the stored `outline_version` (G6).
 *
 * @throws LivingReportsError VERSION_CONFLICT with `details { expected, actual }`
 */
export function checkExpectedVersion(id: string, actual: number, expected: number | undefined): void {
  if (expected === undefined || expected === actual) return;
  throw new LivingReportsError(
    ErrorCode.VERSION_CONFLICT,
    `report ${id} is at version ${actual}, not the expected ${expected}`,
    {
      id,
      details: { expected, actual },
    },
  );
}

/**
 * Checks the shape of mutation options before anything is touched.
 *
 * @throws LivingReportsError INVALID_INPUT for a bad `expectedVersion`, `actor` or `requestId`
 */
export function checkMutationOptions(options: MutationOptions): void {
  const { expectedVersion, actor, requestId } = options;
  if (expectedVersion !== undefined && !(Number.isInteger(expectedVersion) && expectedVersion >= 1)) {
    throw invalidInput(`expectedVersion must be an integer ≥ 1, got ${String(expectedVersion)}`);
  }
  if (actor !== undefined && actor !== "cli" && actor !== "agent" && actor !== "human") {
    throw invalidInput(`actor must be cli, agent or human, got ${JSON.stringify(actor)}`);
  }
  if (requestId !== undefined && typeof requestId !== "string") {
    throw invalidInput("requestId must be a string");
  }
}

/** INVALID_INPUT with a message. */
export function invalidInput(message: string, details?: Record<string, unknown>): LivingReportsError {
  return new LivingReportsError(ErrorCode.INVALID_INPUT, message, details === undefined ? {} : { details });
}
