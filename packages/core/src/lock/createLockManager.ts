import { normalizePath } from "../backend/paths.js";
import type { StorageBackend } from "../backend/storageBackend.js";
import { ErrorCode } from "../errors/errorCodes.js";
import { LivingReportsError } from "../errors/livingReportsError.js";
import { acquireOnDisk } from "./acquireOnDisk.js";
import type { Clock } from "./clock.js";
import { tenureUsedUp, YIELD_TURN, yieldToOthers } from "./fairness.js";
import type { Lease, LockHooks } from "./lease.js";
import { enterQueue, handOver, hasWaiters, passTurn, watchQueue } from "./localQueue.js";
import { lockTimeout, managerClosed } from "./lockErrors.js";
import { HeldLock } from "./lockHandle.js";
import { DEFAULT_LOCK_OPTIONS, type LockHandle, type LockManager, type LockOptions } from "./lockManager.js";
import type { LockPrimitive } from "./lockPrimitive.js";
import { forgetLeftover, ownLeftover, rememberLeftover } from "./ownLeftovers.js";
import { othersWaiting } from "./waitingMarker.js";

/** The options of {@link createLockManager}. */
export interface LockManagerOptions {
  /** The clock of staleness, timeouts and refreshes (default: the backend's `clock`). */
  clock?: Clock;
  /** Options applied to every acquisition unless it overrides them (default: docs/LOCKS.md's). */
  defaults?: LockOptions;
  /** The raw cross-process lock (default: the backend's, `backend.lockPrimitive(backend)`). */
  primitive?: LockPrimitive;
  /** Test hooks, e.g. to stall a holder's refreshes on purpose. */
  hooks?: LockHooks;
}

/**
 * The one lock protocol of living-reports, used by every backend (docs/GUARANTEES.md#g7-locks, docs/LOCKS.md).
 *
 * - Waiters for one lock in this process (same `backend.storageId` and path, across managers)
 *   queue in memory, first come first served, and the held lock is handed from one to the next
 *   without touching the disk; only the head of the queue works the disk, retrying every few ms
 *   and keeping a waiting marker fresh meanwhile. The hand-off is bounded (fairness.ts): when a
 *   waiter in another process announced itself, after a few hand-offs or a short time the lock
 *   goes back through the disk and this process's next waiter stays away long enough for the
 *   waiter elsewhere to take it. Without a marker, hand-offs stay in memory.
 * - A lock whose mtime is older than `staleMs` by the clock is reclaimed under a guard, so that
 *   of two reclaimers only one removes it; a lock this process failed to remove on release (tried
 *   three times) is reclaimed the same way at its next acquisition here, without waiting; a regular `.lock` file (the Python module's fallback
 *   lock) is held while fresh and reclaimed the same way.
 * - A held lock is refreshed every `refreshMs`; a failed refresh, a lock replaced under its holder
 *   or a holder that stalled past `staleMs` marks the handle compromised (never a throw from a
 *   timer) and `assertHeld()` throws LOCK_COMPROMISED.
 * - Timers come from the clock and do not keep the process alive.
 */
export function createLockManager(backend: StorageBackend, options: LockManagerOptions = {}): LockManager {
  // `backend` is the outermost wrapper the caller has (a recorder, a fault injector): the
  // primitive's lock files go through it.
  return new QueuedLockManager(backend, options);
}

type Resolved = Required<LockOptions>;

class QueuedLockManager implements LockManager {
  readonly clock: Clock;
  private readonly defaults: Resolved;
  private readonly primitive: LockPrimitive;
  private readonly hooks: LockHooks;
  private closed = false;
  private readonly held = new Set<HeldLock>();
  private readonly waiting = new Set<() => void>();

  constructor(
    private readonly backend: StorageBackend,
    options: LockManagerOptions,
  ) {
    this.clock = options.clock ?? backend.clock;
    this.defaults = resolveOptions(DEFAULT_LOCK_OPTIONS, options.defaults ?? {});
    this.primitive = options.primitive ?? backend.lockPrimitive(backend);
    this.hooks = options.hooks ?? {};
  }

  async acquire(path: string, options: LockOptions = {}): Promise<LockHandle> {
    if (this.closed) throw managerClosed(path);
    const lockPath = checkLockPath(path);
    const o = resolveOptions(this.defaults, options);
    const key = `${this.backend.storageId}\0${lockPath}`;
    const start = this.clock.now();
    const turn = await this.waitTurn(key, lockPath, o);
    let lease = turn === YIELD_TURN ? undefined : turn;
    if (lease === undefined) {
      try {
        if (turn === YIELD_TURN) await yieldToOthers(this.clock, start + o.timeoutMs);
        lease = await acquireOnDisk({
          backend: this.backend,
          primitive: this.primitive,
          clock: this.clock,
          hooks: this.hooks,
          path: lockPath,
          ...o,
          deadline: start + o.timeoutMs,
          isClosed: () => this.closed,
          leftover: ownLeftover(key),
        });
        // Whatever our leftover was, it is gone or replaced by the lock we now hold.
        forgetLeftover(key);
      } catch (err) {
        passTurn(key);
        throw err;
      }
    }
    const handle = new HeldLock(
      lockPath,
      o.staleMs,
      o.refreshMs,
      lease,
      this.clock,
      (h, l) => this.release(key, h, l),
      {
        contended: async (staleMs) =>
          hasWaiters(key) ||
          (await othersWaiting(this.backend, this.clock, lockPath, staleMs).catch(() => false)),
        watch: (fn) => watchQueue(key, fn),
      },
    );
    this.held.add(handle);
    lease.bind(handle);
    if (this.closed) {
      await handle.release();
      throw managerClosed(lockPath);
    }
    return handle;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const cancel of [...this.waiting]) cancel();
    const results = await Promise.allSettled([...this.held].map((h) => h.release()));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed !== undefined) throw failed.reason;
  }

  /**
   * Waits in the in-process queue; resolves with the lock when it was handed over, with
   * {@link YIELD_TURN} after a fairness release, else with the bare turn.
   */
  private waitTurn(key: string, path: string, o: Resolved): Promise<Turn> {
    const ticket = enterQueue<Lease | typeof YIELD_TURN>(key);
    if (!ticket.queued) return ticket.granted;
    return new Promise((resolve, reject) => {
      const leave = (err: LivingReportsError) => {
        if (!ticket.withdraw()) return;
        done();
        reject(err);
      };
      const timer = this.clock.setTimeout(() => leave(lockTimeout(path, o.timeoutMs)), o.timeoutMs);
      const cancel = () => leave(managerClosed(path));
      const done = () => {
        this.clock.clearTimeout(timer);
        this.waiting.delete(cancel);
      };
      this.waiting.add(cancel);
      ticket.granted.then((lease) => {
        done();
        resolve(lease);
      }, reject);
    });
  }

  /**
   * Hands a healthy lock to the next waiter in this process, unless its tenure is used up and a
   * waiter elsewhere announced itself (fairness.ts); else removes it and passes the turn, telling
   * the next waiter to yield after a fairness release.
   */
  private async release(key: string, handle: HeldLock, lease: Lease): Promise<void> {
    this.held.delete(handle);
    // Only a used-up tenure awaits anything: the common hand-off stays synchronous.
    const yielding =
      this.tenureOver(key, lease, handle.staleMs) && (await this.othersWaiting(lease, handle.staleMs));
    const healthy = lease.isHealthy(handle.staleMs);
    if (healthy && !yielding && handOver(key, lease)) {
      lease.handoffs += 1;
      return;
    }
    try {
      await lease.finish(handle.staleMs);
    } catch (err) {
      const leftover = lease.leftover();
      if (leftover !== undefined) rememberLeftover(key, leftover);
      throw err;
    } finally {
      if (!(healthy && yielding) || !handOver(key, YIELD_TURN)) passTurn(key);
    }
  }

  /**
   * True when this release must look for a waiter in another process: someone waits here (else
   * the release goes through the disk anyway) and the healthy lock's tenure is used up.
   */
  private tenureOver(key: string, lease: Lease, staleMs: number): boolean {
    return hasWaiters(key) && lease.isHealthy(staleMs) && tenureUsedUp(lease, this.clock.now());
  }

  /** Looks for a fresh waiting marker (one `stat`); when there is none, a new tenure starts. */
  private async othersWaiting(lease: Lease, staleMs: number): Promise<boolean> {
    if (await othersWaiting(this.backend, this.clock, lease.path, staleMs)) return true;
    lease.renewTenure();
    return false;
  }
}

/** What a waiter is granted: the held lock, the turn to yield and then try the disk, or the bare turn. */
type Turn = Lease | typeof YIELD_TURN | undefined;

function checkLockPath(path: string): string {
  const lockPath = normalizePath(path);
  if (lockPath === "") {
    throw new LivingReportsError(ErrorCode.INVALID_PATH, "a lock path cannot be the root", { path });
  }
  return lockPath;
}

/**
 * Merges `options` over `base` and checks them.
 * @throws LivingReportsError INVALID_INPUT for a negative or non-finite value, or a refresh
 *   interval not shorter than the stale time
 */
function resolveOptions(base: Resolved, options: LockOptions): Resolved {
  const o: Resolved = { ...base, ...options };
  const bad = (why: string) =>
    new LivingReportsError(ErrorCode.INVALID_INPUT, `invalid lock options: ${why}`, { details: { ...o } });
  if (!Number.isFinite(o.timeoutMs) || o.timeoutMs < 0) throw bad("timeoutMs must be a finite number >= 0");
  if (!Number.isFinite(o.staleMs) || o.staleMs <= 0) throw bad("staleMs must be a finite number > 0");
  if (!Number.isFinite(o.refreshMs) || o.refreshMs <= 0) throw bad("refreshMs must be a finite number > 0");
  if (o.refreshMs >= o.staleMs) throw bad("refreshMs must be shorter than staleMs");
  return o;
}
