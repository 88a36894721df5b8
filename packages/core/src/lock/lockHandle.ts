import type { LivingReportsError } from "../errors/livingReportsError.js";
import type { Clock } from "./clock.js";
import type { Lease, LeaseHolder } from "./lease.js";
import { lockCompromised } from "./lockErrors.js";
import type { LockHandle } from "./lockManager.js";

/**
 * A {@link LockHandle} over a {@link Lease}. Compromise is recorded, never thrown from a timer:
 * {@link assertHeld} throws it at the caller's next write.
 */
export class HeldLock implements LockHandle, LeaseHolder {
  private error: LivingReportsError | undefined;
  private readonly callbacks: ((err: Error) => void)[] = [];
  private releasing: Promise<void> | undefined;

  constructor(
    readonly path: string,
    readonly staleMs: number,
    readonly refreshMs: number,
    private readonly lease: Lease,
    private readonly clock: Clock,
    private readonly onRelease: (handle: HeldLock, lease: Lease) => Promise<void>,
    private readonly waiters: {
      contended(staleMs: number): Promise<boolean>;
      watch(fn: () => void): () => void;
    },
  ) {}

  contended(): Promise<boolean> {
    return this.waiters.contended(this.staleMs);
  }

  onWaiter(fn: () => void): () => void {
    return this.waiters.watch(fn);
  }

  get compromised(): boolean {
    return this.error !== undefined;
  }

  /**
   * @throws LivingReportsError LOCK_COMPROMISED when the lock was lost, released, or not refreshed
   *   within `staleMs` as of now (a stalled holder finds out here, before its next write)
   */
  assertHeld(): void {
    if (this.error !== undefined) throw this.error;
    if (this.releasing !== undefined) throw lockCompromised(this.path, "the lock was released");
    const sinceRefresh = this.clock.now() - this.lease.freshAt;
    if (sinceRefresh > this.staleMs) {
      this.markCompromised(
        lockCompromised(this.path, `not refreshed for ${sinceRefresh} ms (stale after ${this.staleMs} ms)`),
      );
      throw this.error;
    }
  }

  onCompromised(fn: (err: Error) => void): void {
    const err = this.error;
    if (err === undefined) this.callbacks.push(fn);
    else queueMicrotask(() => runCallback(fn, err));
  }

  /** Records the loss (once, only while held) and runs the callbacks. Never throws. */
  markCompromised(err: LivingReportsError): void {
    if (this.error !== undefined || this.releasing !== undefined) return;
    this.error = err;
    for (const fn of this.callbacks.splice(0)) runCallback(fn, err);
  }

  release(): Promise<void> {
    this.releasing ??= this.onRelease(this, this.lease);
    return this.releasing;
  }
}

function runCallback(fn: (err: Error) => void, err: Error): void {
  try {
    fn(err);
  } catch (callbackError) {
    // We may be inside a refresh timer, where a throw would crash the process; the callback's
    // own failure still must not vanish, so it becomes a process warning.
    process.emitWarning(
      `living-reports: an onCompromised callback threw: ${String(callbackError)}`,
      "LivingReportsLockWarning",
    );
  }
}
