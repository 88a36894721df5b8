import type { Clock } from "./clock.js";

/** Options of one acquisition. Defaults (docs/LOCKS.md): timeout 30 s, stale 10 s, refresh 5 s. */
export interface LockOptions {
  /** How long to wait for the lock before failing with LOCK_TIMEOUT (ms). */
  timeoutMs?: number;
  /** A lock not refreshed for this long is stale and may be reclaimed by another holder (ms). */
  staleMs?: number;
  /** How often a held lock is refreshed (ms); must be well under `staleMs`. */
  refreshMs?: number;
}

/** The defaults of docs/LOCKS.md. */
export const DEFAULT_LOCK_OPTIONS: Required<LockOptions> = {
  timeoutMs: 30_000,
  staleMs: 10_000,
  refreshMs: 5_000,
};

/**
 * A held lock. Holding it means no other holder (process or store instance) holds the same
 * name, until {@link release} or until it is compromised.
 */
export interface LockHandle {
  /** The lock's root-relative path (`by_id/<id>/.lock`, `index.lock`). */
  readonly path: string;
  /** True once the lock was lost: refresh failed, it was taken over, or this holder stalled past its stale time. */
  readonly compromised: boolean;
  /**
   * Throws LOCK_COMPROMISED if the lock is no longer safely held (compromised, or not refreshed
   * within its stale time as of now). Call before every write made under the lock.
   */
  assertHeld(): void;
  /** Registers a callback run once if the lock becomes compromised (never throws from a timer). */
  onCompromised(fn: (err: Error) => void): void;
  /**
   * Whether someone else waits for this lock: a waiter in this process, or a fresh waiting marker
   * of one in another process (one `stat`). A holder keeping the lock between uses asks it.
   * Never throws (a marker that cannot be read counts as none).
   */
  contended(): Promise<boolean>;
  /**
   * Calls `fn` whenever a waiter in this process starts waiting for this lock, until the returned
   * function is called. Never throws.
   */
  onWaiter(fn: () => void): () => void;
  /** Releases the lock and stops its refresh timer. Idempotent. */
  release(): Promise<void>;
}

/**
 * Named mutual exclusion between processes and between store instances in one process.
 * Waiters in one process are served first come, first served; a dead holder's lock is reclaimed
 * once stale, and of two reclaimers only one wins.
 */
export interface LockManager {
  /**
   * The clock this manager judges staleness and timeouts by (wall time, or a backend's virtual
   * clock), so that a checker of lock files can judge them the same way.
   */
  readonly clock: Clock;
  /**
   * Acquires the lock at `path` (a root-relative path whose parent directory exists).
   * @throws LivingReportsError LOCK_TIMEOUT after `timeoutMs`; CLOSED after {@link close}
   */
  acquire(path: string, options?: LockOptions): Promise<LockHandle>;
  /** Releases every lock this manager holds and stops its timers. */
  close(): Promise<void>;
}
