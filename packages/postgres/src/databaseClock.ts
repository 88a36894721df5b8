import { performance } from "node:perf_hooks";
import { type Clock, systemClock, type TimerHandle } from "@living-reports/core";

/** How often the offset to the server's clock is measured again. */
const REMEASURE_MS = 30_000;
/** Samples per measurement: the one with the shortest round trip wins. */
const SAMPLES = 3;

/**
 * A {@link Clock} that follows the database server's time, so that lock staleness is judged by
 * one clock for every app server, not by each app server's own. The offset is measured from the
 * server's `clock_timestamp()` (the sample with the shortest round trip, the server's reading
 * taken as the round trip's midpoint) and measured again every 30 s; between measurements time
 * advances with this process's monotonic clock, so a jump of the local wall clock changes
 * nothing. `now()` never goes backwards. Timers are local (they measure durations) and unref'd.
 *
 * Before the first measurement `now()` is local wall time; the backend measures before any
 * lock is taken.
 */
export class DatabaseClock implements Clock {
  /** Server time at the local monotonic instant {@link anchorPerf}. */
  private anchorDb = Date.now();
  private anchorPerf = performance.now();
  private last = 0;
  private timer: ReturnType<typeof setInterval> | undefined;
  private measuredOnce = false;
  private errorMs = 0;

  /** @param readServerMs - one read of the server's time in epoch ms (a statement) */
  constructor(private readonly readServerMs: () => Promise<number>) {}

  /**
   * How far `now()` may be from the server's time at the last measurement: half the round trip
   * of the sample it used, plus a millisecond for rounding.
   */
  get error(): number {
    return this.errorMs;
  }

  /** True once an offset was measured. */
  get measured(): boolean {
    return this.measuredOnce;
  }

  now(): number {
    const t = Math.round(this.anchorDb + (performance.now() - this.anchorPerf));
    this.last = Math.max(this.last, t);
    return this.last;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    return systemClock.setTimeout(fn, ms);
  }

  clearTimeout(handle: TimerHandle): void {
    systemClock.clearTimeout(handle);
  }

  /** Measures the offset now, and from then on every 30 s (a failed re-measurement keeps the old one). */
  async start(): Promise<void> {
    await this.measure();
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => {
      this.measure().catch(() => undefined);
    }, REMEASURE_MS);
    this.timer.unref();
  }

  /** Stops re-measuring. */
  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async measure(): Promise<void> {
    let best: { rtt: number; db: number; perf: number } | undefined;
    for (let i = 0; i < SAMPLES; i++) {
      const before = performance.now();
      const db = await this.readServerMs();
      const after = performance.now();
      const rtt = after - before;
      if (best === undefined || rtt < best.rtt) best = { rtt, db, perf: (before + after) / 2 };
    }
    if (best === undefined) return;
    this.anchorDb = best.db;
    this.anchorPerf = best.perf;
    this.errorMs = Math.ceil(best.rtt / 2) + 1;
    this.measuredOnce = true;
  }
}
