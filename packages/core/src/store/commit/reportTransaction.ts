import { acquireReportLock, type HeldReportLock, releaseReportLock } from "../locking/reportLock.js";
import { type RecoveredReport, recoverReport } from "../recovery/reportRecovery.js";
import type { StoreContext } from "../shared/context.js";

/**
 * Runs `fn` on report `id` under its lock, after recovering the report (what was mended is
 * added to `ctx.mended`). The session is started first (FORMAT, session lock). `fn` writes
 * through `held`, the lock-bound view of the backend. The lock is released whatever happens;
 * after a failure the report's cached audit log is dropped, so the next write re-reads it from
 * disk.
 */
export async function withReportLock<T>(
  ctx: StoreContext,
  id: string,
  fn: (report: RecoveredReport, held: HeldReportLock) => Promise<T>,
): Promise<T> {
  await ctx.session.beginWrite();
  const held = await acquireReportLock(ctx, id);
  let result: T;
  try {
    const report = await recoverReport(ctx, id, held, ctx.mended);
    result = await fn(report, held);
  } catch (err) {
    await ctx.audit.evict(id);
    // The operation's own error is the verdict; a failed release would only hide it (the lock
    // then turns stale and is reclaimed).
    await held.lock.release().catch(() => undefined);
    throw err;
  }
  await releaseReportLock(held.lock);
  return result;
}
