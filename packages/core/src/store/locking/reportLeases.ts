import type { Clock, TimerHandle } from "../../lock/clock.js";
import type { HeldReportLock } from "./reportLock.js";
import { releaseReportLock } from "./reportLock.js";

/** How often an idle lease looks for a waiter in another process (its waiting marker). */
const POLL_MS = 5;

interface IdleLease {
  held: HeldReportLock;
  timer: TimerHandle | undefined;
  unwatch: () => void;
  /**
   * A plain (ref'd) timer for the idle time: the lock clock's timers never keep the process
   * alive, and a program that ends without `close()` must not leave a kept lock behind (the next
   * writer would wait for it to turn stale). Cleared when the lease ends.
   */
  keepAlive: ReturnType<typeof setTimeout> | undefined;
}

/**
 * The report locks this store keeps between its commits (leases): after a successful commit the
 * report's lock is kept while nobody else waits for it, so consecutive commits of one writer take
 * the lock (and recover the report) once. A kept lock is released when someone waits (a waiter in
 * this process at once, one in another process as soon as its waiting marker is seen: at the end
 * of each commit and every few ms while idle), after `idleMs` without a commit (on the lock
 * clock), and at `close()`.
 */
export class ReportLeases {
  private readonly idle = new Map<string, IdleLease>();

  constructor(
    private readonly clock: Clock,
    private readonly idleMs: number,
  ) {}

  /**
   * The lock of report `id` if this store kept it since its last commit and it is still safely
   * held; the caller owns it from now on (and hands it back with {@link keep} or releases it).
   */
  take(id: string): HeldReportLock | undefined {
    const lease = this.idle.get(id);
    if (lease === undefined) return undefined;
    this.forget(id, lease);
    try {
      lease.held.lock.assertHeld();
      return lease.held;
    } catch {
      // Lost while idle (a stall, a takeover): not ours to write under; a fresh acquisition recovers.
      void lease.held.lock.release().catch(() => undefined);
      return undefined;
    }
  }

  /**
   * Keeps report `id`'s lock after a successful commit, or releases it now when it is no longer
   * safely held, leases are off, or someone waits for it.
   *
   * @throws LivingReportsError a failed release (as a release after the commit would)
   */
  async keep(id: string, held: HeldReportLock, watch: (onWaiter: () => void) => () => void): Promise<void> {
    let healthy = this.idleMs > 0;
    try {
      held.lock.assertHeld();
    } catch {
      healthy = false;
    }
    if (!healthy) {
      await releaseReportLock(held.lock);
      return;
    }
    // Watch this process's queue before looking at the disk: a waiter that queues while the
    // look is in flight is seen by neither the look nor a watch started after it, and would wait
    // for the idle poll (forever on a virtual clock that does not move).
    let queued = false;
    const early = watch(() => {
      queued = true;
    });
    let contended: boolean;
    try {
      contended = await held.lock.contended();
    } finally {
      early();
    }
    if (queued || contended) {
      await releaseReportLock(held.lock);
      return;
    }
    const lease: IdleLease = { held, timer: undefined, unwatch: () => undefined, keepAlive: undefined };
    const until = this.clock.now() + this.idleMs;
    const end = () => {
      if (this.idle.get(id) !== lease) return;
      this.forget(id, lease);
      // Best effort: a lock that cannot be removed turns stale and is reclaimed (G7).
      void releaseReportLock(held.lock).catch(() => undefined);
    };
    // A waiter elsewhere is seen by its marker: looked for every few ms while the lease is idle.
    const poll = () => {
      if (this.idle.get(id) !== lease) return;
      if (this.clock.now() >= until) {
        end();
        return;
      }
      void held.lock.contended().then((waited) => {
        if (this.idle.get(id) !== lease) return;
        if (waited) end();
        else lease.timer = this.clock.setTimeout(poll, Math.min(POLL_MS, until - this.clock.now()));
      });
    };
    lease.timer = this.clock.setTimeout(poll, Math.min(POLL_MS, this.idleMs));
    lease.unwatch = watch(end);
    lease.keepAlive = setTimeout(() => undefined, this.idleMs + POLL_MS);
    this.idle.set(id, lease);
  }

  /** Releases every kept lock (at close, or before the session ends cleanly). */
  async releaseAll(): Promise<void> {
    const leases = [...this.idle];
    for (const [id, lease] of leases) this.forget(id, lease);
    const results = await Promise.allSettled(leases.map(([, lease]) => releaseReportLock(lease.held.lock)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed !== undefined) throw failed.reason;
  }

  private forget(id: string, lease: IdleLease): void {
    this.idle.delete(id);
    if (lease.timer !== undefined) this.clock.clearTimeout(lease.timer);
    if (lease.keepAlive !== undefined) clearTimeout(lease.keepAlive);
    lease.unwatch();
  }
}
