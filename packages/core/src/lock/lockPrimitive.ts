/**
 * What a lock path holds on disk, as far as locking cares: its kind and identity. Two states are
 * the same lock instance when kind, inode and mtime all agree (a reclaimer compares them before
 * it removes anything, so that it never removes a lock that changed under it).
 */
export interface LockState {
  readonly kind: "file" | "directory" | "symlink" | "other";
  readonly ino: number;
  readonly mtimeMs: number;
}

/** What the lock manager gives a primitive for one acquisition. */
export interface PrimitiveContext {
  /** How often the lock should be refreshed (ms of the manager's clock). */
  readonly refreshMs: number;
  /**
   * Awaited before every write that refreshes the lock: runs the test hook and rejects with
   * LOCK_COMPROMISED when the holder must not refresh any more (it stalled past its stale time,
   * or it was already found compromised). A primitive that refreshes on its own timer must call it.
   */
  beforeRefresh(): Promise<void>;
  /** Called when the primitive learns on its own (from a timer) that the lock is lost. Never throws. */
  onLost(err: Error): void;
}

/**
 * One lock instance held on disk through a {@link LockPrimitive}. The manager owns it: it keeps it
 * fresh with {@link refresh}, and either releases or abandons it exactly once.
 */
export interface PrimitiveLock {
  /**
   * Clock time of the last successful refresh (or of the acquisition). The lock's on-disk mtime is
   * never older than this, so a holder that counts its stale time from here gives up no later
   * than any reclaimer could judge the lock stale.
   */
  readonly freshAt: number;
  /**
   * Keeps the lock fresh, or confirms that the primitive's own refresher did.
   * @throws LivingReportsError LOCK_COMPROMISED when the lock is gone or is no longer this instance;
   *   a storage error when the refresh failed (the manager treats both as a lost lock)
   */
  refresh(): Promise<void>;
  /**
   * Removes the lock from disk. Only called while the lock is safely held.
   * @throws LivingReportsError from the backend when the removal failed
   */
  release(): Promise<void>;
  /** Stops all activity on the lock without touching the disk (it may be someone else's by now). */
  abandon(): void;
  /**
   * The identity this holder last gave the lock on disk, if the primitive knows it: after a failed
   * release the manager remembers it, so that this process reclaims its own leftover at once
   * instead of waiting for it to turn stale. Never throws.
   */
  onDisk?(): LockState;
}

/**
 * The raw cross-process mutual exclusion on one lock path. It knows nothing of queues, timeouts
 * or staleness: the lock manager builds those on top, identically for every primitive.
 */
export interface LockPrimitive {
  /**
   * One attempt to create the lock at `path`.
   * @returns the held lock, or `undefined` when something already exists at `path`
   * @throws LivingReportsError from the backend (NOT_FOUND when the parent is missing,
   *   WRONG_KIND when the parent is a file, ...)
   */
  tryAcquire(path: string, context: PrimitiveContext): Promise<PrimitiveLock | undefined>;
  /**
   * What is at `path` now, or `undefined` when nothing is.
   * @throws LivingReportsError from the backend for anything but absence
   */
  inspect(path: string): Promise<LockState | undefined>;
  /**
   * Removes whatever is at `path` (a directory lock, or a regular file left by the Python
   * module's fallback lock). The caller has checked, under the reclaim guard, that it is `state`.
   * @throws LivingReportsError from the backend; NOT_FOUND when it is already gone
   */
  remove(path: string, state: LockState): Promise<void>;
}

/** True when `a` and `b` are the same lock instance (see {@link LockState}). */
export function sameLockInstance(a: LockState, b: LockState): boolean {
  return a.kind === b.kind && a.ino === b.ino && a.mtimeMs === b.mtimeMs;
}

/** True when a lock last made fresh at `mtimeMs` is stale at `now` (a future mtime is fresh). */
export function isStale(mtimeMs: number, now: number, staleMs: number): boolean {
  return now - mtimeMs > staleMs;
}
