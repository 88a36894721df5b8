import type { StorageBackend } from "@living-reports/core";
import { TracedBackend } from "../trace/tracedBackend.js";
import type { TraceEvent } from "../trace/traceEvent.js";
import { TraceLog } from "../trace/traceLog.js";
import type { CrashableDisk, DiskModel } from "./crashableDisk.js";
import { PointBackend } from "./pointBackend.js";
import { mulberry32 } from "./prng.js";
import type { StepRecord, Workload } from "./workload.js";

/** Where recordings start: 2025-01-01, like the memfs virtual clock. */
export const RECORDING_EPOCH_MS = Date.UTC(2025, 0, 1);

/** One crash point: the whole disk at an instant, and how much of the trace had settled by then. */
export interface CrashPoint<TSnapshot> {
  readonly snapshot: TSnapshot;
  readonly traceLength: number;
}

/** A recorded run of a workload. */
export interface Recording<TSnapshot> {
  readonly points: readonly CrashPoint<TSnapshot>[];
  readonly steps: readonly StepRecord[];
  readonly trace: readonly TraceEvent[];
  /** The recording clock's time when the run ended. */
  readonly endMs: number;
  /** How many numbers setup and run drew from `rand`: 0 means every round runs alike. */
  readonly randDraws: number;
}

/** Options of {@link recordWorkload}. */
export interface RecordOptions {
  readonly seed: number;
  /** Wraps each recorded backend (a mutant, a fault injector); setup is never wrapped. */
  readonly wrapBackend?: (backend: StorageBackend) => StorageBackend;
}

/**
 * Runs `workload` once on a fresh disk and records a crash point before every state-changing
 * backend call (when the disk changed since the last one) and at the end, with the trace of
 * calls so far and each step's start and acknowledgement.
 *
 * @throws whatever the workload's setup or run throws (a workload must run clean without crashes)
 */
export async function recordWorkload<TSnapshot>(
  workload: Workload,
  model: DiskModel<TSnapshot>,
  options: RecordOptions,
): Promise<Recording<TSnapshot>> {
  const clock = model.clock(RECORDING_EPOCH_MS);
  const seeded = mulberry32(options.seed);
  let randDraws = 0;
  const rand = (): number => {
    randDraws += 1;
    return seeded();
  };
  const fresh = model.create(clock);
  await workload.setup?.({ backend: fresh.backend(), clock, rand });
  const base = makeAllDurable(fresh);

  const log = new TraceLog();
  const points: CrashPoint<TSnapshot>[] = [{ snapshot: base.snapshot(), traceLength: 0 }];
  let dirty = false;
  const watcher = {
    before(): void {
      if (!dirty) return;
      points.push({ snapshot: base.snapshot(), traceLength: log.events.length });
      dirty = false;
    },
    after(): void {
      dirty = true;
    },
  };
  const open = (): StorageBackend => {
    const inner = options.wrapBackend?.(base.backend()) ?? base.backend();
    return new PointBackend(new TracedBackend(inner, log), watcher);
  };
  const steps: StepRecord[] = [];
  const step = async <T>(label: string, run: () => Promise<T>, describe?: (r: T) => unknown) => {
    const index = steps.length;
    const start = points.length;
    steps.push({ index, label, start, end: Number.POSITIVE_INFINITY, effect: undefined });
    try {
      const result = await run();
      const end = dirty ? points.length : points.length - 1;
      steps[index] = { index, label, start, end, effect: describe === undefined ? result : describe(result) };
      return result;
    } catch (err) {
      steps[index] = {
        index,
        label,
        start,
        end: Number.POSITIVE_INFINITY,
        effect: undefined,
        error: errorText(err),
      };
      throw err;
    }
  };
  await workload.run({ backend: open(), another: open, clock, rand, step });
  if (dirty) points.push({ snapshot: base.snapshot(), traceLength: log.events.length });
  return { points, steps, trace: log.events, endMs: clock.now(), randDraws };
}

/** The disk with every pending change kept: the durable starting state. */
function makeAllDurable<TSnapshot>(disk: CrashableDisk<TSnapshot>): CrashableDisk<TSnapshot> {
  return disk.crashWith({ keep: new Set(disk.pendingChanges().map((c) => c.id)) });
}

function errorText(err: unknown): string {
  if (typeof err === "object" && err !== null && "code" in err) return String(err.code);
  return err instanceof Error ? err.message : String(err);
}
