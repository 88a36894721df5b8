import type { StorageBackend } from "../../backend/storageBackend.js";
import { ErrorCode } from "../../errors/errorCodes.js";
import { isLivingReportsError } from "../../errors/livingReportsError.js";
import type { LockManager, LockOptions } from "../../lock/lockManager.js";
import { LockBoundBackend } from "../locking/lockBoundBackend.js";
import type { ReportLeases } from "../locking/reportLeases.js";
import { INDEX_LOCK } from "../shared/layout.js";

/** The key of the index lock among the store's leases (never a report id: those are UUIDs). */
const INDEX_LEASE = "\0index";

/** How {@link IndexLockTurns.run} takes the lock and what it does with it afterwards. */
export interface IndexLockUse {
  /** False: run only if the lock is free, here and elsewhere, right now (one attempt). */
  readonly wait: boolean;
  /**
   * Keep the lock between uses while nobody else waits (see ReportLeases), rather than release
   * it: for a backend without inode numbers, whose appends all take it. Needs the leases.
   */
  readonly keep: boolean;
}

/**
 * The store's uses of `index.lock` (compactions, rebuilds, appends made again under it), taking
 * turns in this process, each writing through the view of the backend that checks the lock.
 */
export class IndexLockTurns {
  /** Settles when the use of the lock before the latest one is over. */
  private turn: Promise<void> = Promise.resolve();
  /** Uses under way: holding the lock, or waiting their turn. */
  private users = 0;

  constructor(
    private readonly backend: StorageBackend,
    private readonly locks: LockManager,
    private readonly lockOptions: LockOptions,
    /** Where a lock used with `keep` is kept between uses; without, it is always released. */
    private readonly leases?: ReportLeases,
  ) {}

  /**
   * Runs `fn` under the index lock, after this store's uses before it. Resolves `undefined`
   * without running `fn` when `wait` is false and the lock is busy (here or elsewhere).
   *
   * @throws LivingReportsError LOCK_TIMEOUT (when waiting), or what `fn` throws (the lock is
   *   released then)
   */
  async run<T>(fn: (held: StorageBackend) => Promise<T>, use: IndexLockUse & { wait: true }): Promise<T>;
  async run<T>(fn: (held: StorageBackend) => Promise<T>, use: IndexLockUse): Promise<T | undefined>;
  async run<T>(fn: (held: StorageBackend) => Promise<T>, use: IndexLockUse): Promise<T | undefined> {
    if (!use.wait && this.users > 0) return undefined;
    this.users++;
    const previous = this.turn;
    let done = () => {};
    this.turn = new Promise<void>((resolve) => {
      done = resolve;
    });
    await previous;
    try {
      let held = this.leases?.take(INDEX_LEASE);
      if (held === undefined) {
        const lockOptions = use.wait ? this.lockOptions : { ...this.lockOptions, timeoutMs: 0 };
        try {
          held = new LockBoundBackend(this.backend, await this.locks.acquire(INDEX_LOCK, lockOptions));
        } catch (err) {
          if (!use.wait && isLivingReportsError(err, ErrorCode.LOCK_TIMEOUT)) return undefined;
          throw err;
        }
      }
      let result: T;
      try {
        result = await fn(held);
      } catch (err) {
        await held.lock.release();
        throw err;
      }
      if (this.leases === undefined || !use.keep) await held.lock.release();
      else await this.leases.keep(INDEX_LEASE, held, (onWaiter) => held.lock.onWaiter(onWaiter));
      return result;
    } finally {
      this.users--;
      done();
    }
  }
}
