import { acquireReportLock, type HeldReportLock } from "../locking/reportLock.js";
import { type RecoveredReport, recoverReport } from "../recovery/reportRecovery.js";
import type { StoreContext } from "../shared/context.js";

/**
 * Runs `fn` on report `id` under its lock, after recovering the report (what was mended is
 * added to `ctx.mended`). The session is started first (FORMAT, session lock). `fn` writes
 * through `held`, the lock-bound view of the backend. The lock is released whatever happens;
 * after a failure the report's cached audit log is dropped, so the next write re-reads it from
 * disk. `deep`: also check every backup the log vouches for (repair).
 */
export async function withReportLock<T>(
  ctx: StoreContext,
  id: string,
  fn: (report: RecoveredReport, held: HeldReportLock) => Promise<T>,
  deep = false,
): Promise<T> {
  await ctx.session.beginWrite();
  const leased = ctx.leases.take(id);
  const held = leased ?? (await acquireReportLock(ctx, id));
  let result: T;
  try {
    // A lock kept since this store's last commit: nobody else wrote meanwhile, so the report is
    // not recovered again (the outline's hash is still checked, G9).
    // A report whose files a commit could not write is recovered as repair does (commitLogged.ts).
    const depth = deep || ctx.deferred.delete(id) ? "repair" : leased !== undefined ? "leased" : "fresh";
    const report = await recoverReport(ctx, id, held, ctx.mended, depth);
    result = await fn(report, held);
  } catch (err) {
    await ctx.audit.evict(id);
    // The operation's own error is the verdict; a failed release would only hide it (the lock
    // then turns stale and is reclaimed).
    await held.lock.release().catch(() => undefined);
    throw err;
  }
  await keepReportLock(ctx, id, held);
  return result;
}

/** Keeps report `id`'s lock for the store's next commit (see ReportLeases), or releases it. */
export async function keepReportLock(ctx: StoreContext, id: string, held: HeldReportLock): Promise<void> {
  await ctx.leases.keep(id, held, (onWaiter) => held.lock.onWaiter(onWaiter));
}
