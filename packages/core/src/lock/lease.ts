import { ErrorCode } from "../errors/errorCodes.js";
import type { LivingReportsError } from "../errors/livingReportsError.js";
import { isLivingReportsError } from "../errors/livingReportsError.js";
import type { Clock, TimerHandle } from "./clock.js";
import { lockCompromised } from "./lockErrors.js";
import type { LockState, PrimitiveContext, PrimitiveLock } from "./lockPrimitive.js";

/** Tries of a lock removal on release before the failure is reported. */
const RELEASE_ATTEMPTS = 3;

/** Test hooks of a lock manager. */
export interface LockHooks {
  /**
   * Awaited before every refresh write of a held lock. A test stalls a holder on purpose by
   * returning a promise that settles late (no SIGSTOP needed); a rejection counts as a failed refresh.
   */
  beforeRefresh?: (path: string) => void | Promise<void>;
}

/** Whoever currently holds a {@link Lease} (a lock handle); told when the lease is lost. */
export interface LeaseHolder {
  readonly staleMs: number;
  readonly refreshMs: number;
  markCompromised(err: LivingReportsError): void;
}

/**
 * One lock held on disk and kept fresh, possibly by several handles in turn (in-process waiters
 * are handed the lease directly). Refresh failures never throw from the timer: they mark the lease
 * lost and tell its holder.
 */
export class Lease {
  private lock: PrimitiveLock | undefined;
  private holder: LeaseHolder | undefined;
  private timer: TimerHandle | undefined;
  private stopped = false;
  /** Why the lease was lost, once it was. */
  lost: LivingReportsError | undefined;
  /** In-memory hand-offs of the current tenure (fairness.ts). */
  handoffs = 0;
  /** Clock time the current tenure began: the lock was made on disk, or a marker was looked for. */
  since = Number.NEGATIVE_INFINITY;
  /** The primitive's view of this acquisition (refresh interval, stall check, loss signal). */
  readonly context: PrimitiveContext;

  constructor(
    readonly path: string,
    private readonly clock: Clock,
    private readonly hooks: LockHooks,
    private pending: { staleMs: number; refreshMs: number },
  ) {
    this.context = {
      refreshMs: pending.refreshMs,
      beforeRefresh: () => this.beforeRefresh(),
      onLost: (err) => this.lose(lockCompromised(path, err.message, err)),
    };
  }

  /** Clock time the lock was last known fresh on disk. */
  get freshAt(): number {
    return this.lock?.freshAt ?? Number.NEGATIVE_INFINITY;
  }

  /** The stale time that applies now: the holder's, or the acquirer's before there is one. */
  private get staleMs(): number {
    return this.holder?.staleMs ?? this.pending.staleMs;
  }

  /** True while the lock is not lost and, as of now, not past `staleMs` since its last refresh. */
  isHealthy(staleMs: number): boolean {
    return this.lost === undefined && this.clock.now() - this.freshAt <= staleMs;
  }

  /** Starts the lease on the lock the primitive acquired. */
  attach(lock: PrimitiveLock): void {
    this.lock = lock;
    this.renewTenure();
  }

  /** Starts a new tenure (fairness.ts) now. */
  renewTenure(): void {
    this.handoffs = 0;
    this.since = this.clock.now();
  }

  /** Makes `holder` the one told of a loss, and (re)starts refreshing at its interval. */
  bind(holder: LeaseHolder): void {
    this.holder = holder;
    if (this.lost !== undefined) holder.markCompromised(this.lost);
    if (this.timer === undefined && !this.stopped) this.schedule();
  }

  /** Marks the lease lost (once), stops refreshing and tells the holder. Never throws. */
  lose(err: LivingReportsError): void {
    if (this.lost !== undefined) return;
    this.lost = err;
    this.stop();
    this.holder?.markCompromised(err);
  }

  /**
   * Ends the lease: removes the lock when it is still safely held under `staleMs`, else leaves it
   * alone (it may be someone else's by now; a lock left behind is stale and gets reclaimed).
   * @throws LivingReportsError when removing the lock failed
   */
  async finish(staleMs: number): Promise<void> {
    this.stop();
    this.holder = undefined;
    const lock = this.lock;
    if (lock === undefined) return;
    if (!this.isHealthy(staleMs)) {
      lock.abandon();
      return;
    }
    for (let attempt = 1; ; attempt++) {
      try {
        await lock.release();
        return;
      } catch (err) {
        // A removal that failed (EIO, EBUSY...) is tried again at once: a lock left behind makes
        // every later writer wait for its stale time. Gone already is not a failure to retry.
        if (attempt >= RELEASE_ATTEMPTS || isLivingReportsError(err, ErrorCode.NOT_FOUND)) throw err;
      }
    }
  }

  /** What the lock looked like on disk when its holder last touched it (see PrimitiveLock.onDisk). */
  leftover(): LockState | undefined {
    return this.lock?.onDisk?.();
  }

  private stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    const refreshMs = this.holder?.refreshMs ?? this.pending.refreshMs;
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      if (this.stopped || this.lock === undefined) return;
      this.lock.refresh().then(
        () => {
          if (!this.stopped) this.schedule();
        },
        (err: unknown) => {
          if (this.stopped) return;
          this.lose(
            isLivingReportsError(err, ErrorCode.LOCK_COMPROMISED)
              ? err
              : lockCompromised(this.path, "refresh failed", err),
          );
        },
      );
    }, refreshMs);
  }

  private async beforeRefresh(): Promise<void> {
    await this.hooks.beforeRefresh?.(this.path);
    if (this.lost !== undefined) throw this.lost;
    if (this.stopped) throw lockCompromised(this.path, "the lock was released");
    if (this.clock.now() - this.freshAt > this.staleMs) {
      // Past its stale time the lock may already be another's: refreshing now could revive a lock
      // that a reclaimer removed and re-created, so give it up instead.
      throw lockCompromised(this.path, `not refreshed within its stale time (${this.staleMs} ms)`);
    }
  }
}
