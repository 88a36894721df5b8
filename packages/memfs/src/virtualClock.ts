import { type Clock, ErrorCode, LivingReportsError, type TimerHandle } from "@living-reports/core";

interface VirtualTimer {
  readonly due: number;
  readonly seq: number;
  readonly fn: () => void;
}

/**
 * A {@link Clock} that moves only when told: lock staleness, refresh and timeouts can be tested
 * without sleeping, deterministically.
 *
 * Time starts at {@link VirtualClock.DEFAULT_EPOCH} unless given. Timers fire only inside
 * {@link advance}, in due order (ties in scheduling order), each seeing `now()` equal to its due
 * time. They never keep the process alive (they are not real timers at all).
 */
export class VirtualClock implements Clock {
  /** 2025-01-01T00:00:00Z: a fixed start, so runs are reproducible. */
  static readonly DEFAULT_EPOCH = Date.UTC(2025, 0, 1);

  #now: number;
  #seq = 0;
  readonly #timers = new Map<object, VirtualTimer>();
  #queue: Promise<void> = Promise.resolve();

  constructor(startMs: number = VirtualClock.DEFAULT_EPOCH) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const handle = Object.freeze({ virtualTimer: this.#seq });
    const delay = Number.isFinite(ms) && ms > 0 ? ms : 0;
    this.#timers.set(handle, { due: this.#now + delay, seq: this.#seq++, fn });
    // TimerHandle is a branded type with no constructor: a plain object is its virtual form.
    return handle as unknown as TimerHandle;
  }

  clearTimeout(handle: TimerHandle): void {
    this.#timers.delete(handle as unknown as object);
  }

  /** How many timers are scheduled and not yet fired or cleared. */
  get pendingTimers(): number {
    return this.#timers.size;
  }

  /**
   * Moves time forward by `ms`, firing every timer that falls due on the way, one at a time. After
   * each timer (and at the end) it lets the promise chains the timer started settle, so an async
   * refresh completes before later timers fire, as it would in real time on an idle machine.
   * Concurrent calls run one after another.
   *
   * @throws LivingReportsError INVALID_INPUT for a negative or non-finite `ms`; a timer callback
   *   that throws rejects the returned promise (time stays at that timer's due time)
   */
  advance(ms: number): Promise<void> {
    if (!Number.isFinite(ms) || ms < 0) {
      return Promise.reject(
        new LivingReportsError(ErrorCode.INVALID_INPUT, `clock advance must be a finite ms >= 0, got ${ms}`),
      );
    }
    const run = this.#queue.then(() => this.#advanceBy(ms));
    // The queue only orders the runs; a failure is reported to its own caller through `run`.
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #advanceBy(ms: number): Promise<void> {
    const target = this.#now + ms;
    for (let next = this.#nextDue(target); next !== undefined; next = this.#nextDue(target)) {
      const [handle, timer] = next;
      this.#timers.delete(handle);
      this.#now = Math.max(this.#now, timer.due);
      timer.fn();
      await settle();
    }
    this.#now = target;
    await settle();
  }

  #nextDue(target: number): [object, VirtualTimer] | undefined {
    let best: [object, VirtualTimer] | undefined;
    for (const entry of this.#timers) {
      const timer = entry[1];
      if (timer.due > target) continue;
      if (
        best === undefined ||
        timer.due < best[1].due ||
        (timer.due === best[1].due && timer.seq < best[1].seq)
      ) {
        best = entry;
      }
    }
    return best;
  }
}

/** Resolves after every microtask queued so far (and those they queue) has run. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
