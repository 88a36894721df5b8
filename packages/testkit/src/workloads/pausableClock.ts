import type { Clock, TimerHandle } from "@living-reports/core";

/**
 * One process's view of the disk's clock, which a workload can pause as a SIGSTOP, a long GC or
 * swapping would: time runs on (`now()` is the disk clock's), but none of this process's timers
 * fire while it is paused (no lock refresh, no lease poll); those that fell due run when it is
 * resumed, late, in the order they fell due. Give it to a store as its lock manager's clock
 * (`createLockManager(backend, { clock })`) to stall the store past its locks' stale time.
 */
export class PausableClock implements Clock {
  #paused = false;
  readonly #late: { handle: TimerHandle; fn: () => void }[] = [];
  readonly #cleared = new Set<TimerHandle>();

  constructor(private readonly inner: Clock) {}

  now(): number {
    return this.inner.now();
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const handle: TimerHandle = this.inner.setTimeout(() => {
      if (this.#paused) this.#late.push({ handle, fn });
      else fn();
    }, ms);
    return handle;
  }

  clearTimeout(handle: TimerHandle): void {
    this.inner.clearTimeout(handle);
    // A timer that fell due while paused is cleared here rather than on the inner clock.
    if (this.#late.some((t) => t.handle === handle)) this.#cleared.add(handle);
  }

  /** Stops this process's timers (time goes on). */
  pause(): void {
    this.#paused = true;
  }

  /** Runs the timers that fell due while paused, in due order, and lets later ones fire again. */
  resume(): void {
    this.#paused = false;
    for (const { handle, fn } of this.#late.splice(0)) {
      if (this.#cleared.delete(handle)) continue;
      fn();
    }
  }
}

/** A clock a workload can move forward (the memfs disk's virtual clock). */
export interface AdvancingClock extends Clock {
  advance(ms: number): Promise<void>;
}

/**
 * The workload's clock as one it can move forward.
 *
 * @throws Error when the disk's clock is not a virtual one (it has no `advance`)
 */
export function advancing(clock: Clock): AdvancingClock {
  const candidate = clock as Partial<AdvancingClock>;
  if (typeof candidate.advance !== "function") {
    throw new Error("this workload needs a disk whose clock can be advanced (memfsDisks' virtual clock)");
  }
  return clock as AdvancingClock;
}
