import { createHash } from "node:crypto";
import { type CrashMode, ErrorCode, LivingReportsError, type StorageBackend } from "@living-reports/core";
import type { CrashableDisk, DiskModel, Materializer } from "./crashableDisk.js";
import {
  type CrashFailure,
  compareFailures,
  compareRanks,
  describeFailure,
  type FailureRank,
  rankOf,
} from "./crashFailure.js";
import { enumerateSelections } from "./enumerateSelections.js";
import { type Recording, recordWorkload } from "./recordWorkload.js";
import { signature } from "./violationSignature.js";
import type { CrashChecker, StepRecord, Workload } from "./workload.js";

/** How far past the recording crash states are checked: beyond any lock's stale time. */
const CHECK_CLOCK_OFFSET_MS = 24 * 3600 * 1000;

/** Options of {@link exploreCrashes}. */
export interface ExploreOptions<TSnapshot> {
  /** How to make disks and clocks (memfs: see {@link DiskModel}). */
  readonly disks: DiskModel<TSnapshot>;
  /** The crash mode (default `prefix`). */
  readonly mode?: CrashMode;
  /** Seed of the workload runs and of the sampling (default 0). */
  readonly seed?: number;
  /**
   * How many distinct crash states to check. Rounds of the workload (seeds `seed`, `seed + 1`,
   * ...) are recorded until this many are checked or a round finds nothing new.
   */
  readonly states: number;
  /** Most crash states per crash point: all of them when fewer, else a seeded sample (default 32). */
  readonly perPoint?: number;
  /** Most workload rounds (default 1000). */
  readonly maxRounds?: number;
  /** Violating states kept in the result, the smallest (default 10). */
  readonly maxFailures?: number;
  /** Stop exploring after this many violating states (default: explore the whole budget). */
  readonly stopAfter?: number;
  /** Check each state on another backend (node-fs: a temporary directory); default the crashed memfs disk. */
  readonly materialize?: Materializer;
  /** Wraps the recorded backends (mutants, fault injection). */
  readonly wrapBackend?: (backend: StorageBackend) => StorageBackend;
}

/** What an exploration found. */
export interface ExploreResult {
  readonly workload: string;
  readonly mode: CrashMode;
  readonly seed: number;
  /** Distinct crash states checked: (crash point, resulting files) pairs. */
  readonly states: number;
  /** States that violated the checker. */
  readonly violations: number;
  /** Checker runs (a state whose files and expectations equal an earlier one's reuses its verdict). */
  readonly recoveries: number;
  /** Crash points recorded, over all rounds. */
  readonly points: number;
  readonly rounds: number;
  readonly elapsedMs: number;
  /** The smallest violating states found (at most `maxFailures`), smallest first. */
  readonly failures: readonly CrashFailure[];
  /** Every kind of violation found, as {@link signature}s, sorted. */
  readonly kinds: readonly string[];
}

/**
 * Explores the crashes of `workload` (docs/CRASH-MODEL.md): records it, then for every crash point
 * materialises the crash states `mode` allows (exhaustively while at most `perPoint`, by seeded
 * sampling beyond) and runs `checker` on each. Points are visited in passes (the first state of
 * every point, then the second, ...), so a small budget still covers the whole trace.
 *
 * Deterministic for a given seed except for names the workload draws at random (ids, temp names).
 *
 * @throws LivingReportsError INVALID_INPUT for a bad budget; whatever the workload throws while
 *   it is recorded (a workload must run clean)
 */
export async function exploreCrashes<TSnapshot>(
  workload: Workload,
  checker: CrashChecker,
  options: ExploreOptions<TSnapshot>,
): Promise<ExploreResult> {
  if (!(Number.isInteger(options.states) && options.states >= 0)) {
    throw new LivingReportsError(
      ErrorCode.INVALID_INPUT,
      `states must be an integer ≥ 0, got ${options.states}`,
    );
  }
  const mode = options.mode ?? "prefix";
  const seed = options.seed ?? 0;
  const started = performance.now();
  const tally = { states: 0, violations: 0, recoveries: 0, points: 0, rounds: 0 };
  const failures: CrashFailure[] = [];
  const kinds = new Set<string>();
  const maxFailures = options.maxFailures ?? 10;
  const stopAfter = options.stopAfter ?? Number.POSITIVE_INFINITY;
  const maxRounds = options.maxRounds ?? 1000;
  while (tally.states < options.states && tally.rounds < maxRounds && tally.violations < stopAfter) {
    const recording = await recordWorkload(workload, options.disks, {
      seed: seed + tally.rounds,
      ...(options.wrapBackend === undefined ? {} : { wrapBackend: options.wrapBackend }),
    });
    const before = tally.states;
    const round = new Round(workload.name, recording, checker, options, mode, seed + tally.rounds);
    await round.run(
      options.states - tally.states,
      stopAfter - tally.violations,
      (rank, violations, build) => {
        for (const v of violations) kinds.add(signature(v));
        const worst = failures[maxFailures - 1];
        if (worst !== undefined && compareRanks(rank, rankOf(worst)) >= 0) return;
        keepSmallest(failures, build(), maxFailures);
      },
    );
    tally.states += round.states;
    tally.violations += round.violations;
    tally.recoveries += round.recoveries;
    tally.points += recording.points.length;
    tally.rounds += 1;
    if (tally.states === before) break;
  }
  return {
    workload: workload.name,
    mode,
    seed,
    ...tally,
    elapsedMs: performance.now() - started,
    failures,
    kinds: [...kinds].sort(),
  };
}

/** Receives each violating state: its rank, its violations, and how to describe it (costly). */
type FailureSink = (rank: FailureRank, violations: readonly string[], build: () => CrashFailure) => void;

/** The exploration of one recording. */
class Round<TSnapshot> {
  states = 0;
  violations = 0;
  recoveries = 0;
  readonly #verdicts = new Map<string, readonly string[]>();

  constructor(
    private readonly name: string,
    private readonly recording: Recording<TSnapshot>,
    private readonly checker: CrashChecker,
    private readonly options: ExploreOptions<TSnapshot>,
    private readonly mode: CrashMode,
    private readonly seed: number,
  ) {}

  async run(budget: number, stopAfter: number, onFailure: FailureSink): Promise<void> {
    const clock = this.options.disks.clock(this.recording.endMs + CHECK_CLOCK_OFFSET_MS);
    const perPoint = this.options.perPoint ?? 32;
    const points = this.recording.points.map((point, index) => {
      const disk = this.options.disks.fromSnapshot(point.snapshot, clock);
      const changes = disk.pendingChanges();
      return {
        index,
        disk,
        changes,
        selections: enumerateSelections(changes, this.mode, perPoint, this.seed * 7919 + index),
        seen: new Set<string>(),
        ...this.expectations(index),
      };
    });
    for (let pass = 0; pass < perPoint; pass++) {
      let any = false;
      for (const point of points) {
        const selection = point.selections[pass];
        if (selection === undefined) continue;
        any = true;
        if (this.states >= budget || this.violations >= stopAfter) return;
        // Materialise only states not yet judged: a disk that can digest a crash state without
        // making it (memfs) is crashed at most once per new verdict.
        let crashed: CrashableDisk | undefined;
        const crash = (): CrashableDisk => {
          crashed ??= point.disk.crashWith(selection);
          return crashed;
        };
        const image = point.disk.crashDigest?.(selection) ?? hashFiles(crash().toJSON());
        if (point.seen.has(image)) continue;
        point.seen.add(image);
        this.states += 1;
        const violations = await this.verdict(`${point.key}|${image}`, crash, clock, point);
        if (violations.length === 0) continue;
        this.violations += 1;
        const rank = { point: point.index, kept: selection.keep.size, torn: selection.tear?.length ?? 0 };
        onFailure(rank, violations, () =>
          describeFailure({
            workload: this.name,
            trace: this.recording.trace,
            traceLength: this.recording.points[point.index]?.traceLength ?? 0,
            point: point.index,
            changes: point.changes,
            selection,
            // A fresh copy: the checked one holds what recovery made of the state.
            files: point.disk.crashWith(selection).toJSON(),
            acked: point.acked,
            inFlight: point.inFlight,
            violations,
          }),
        );
      }
      if (!any) return;
    }
  }

  /** The steps acknowledged and in flight at crash point `p`, and a key naming that pair. */
  expectations(p: number): { acked: StepRecord[]; inFlight: StepRecord[]; key: string } {
    const acked = this.recording.steps.filter((s) => s.error === undefined && s.end <= p);
    const inFlight = this.recording.steps.filter(
      (s) => s.start <= p && !(s.error === undefined && s.end <= p),
    );
    return { acked, inFlight, key: `${acked.map((s) => s.index)}/${inFlight.map((s) => s.index)}` };
  }

  async verdict(
    key: string,
    crash: () => CrashableDisk,
    clock: ReturnType<DiskModel<TSnapshot>["clock"]>,
    point: { index: number; acked: StepRecord[]; inFlight: StepRecord[] },
  ): Promise<readonly string[]> {
    const cached = this.#verdicts.get(key);
    if (cached !== undefined) return cached;
    this.recoveries += 1;
    const crashed = crash();
    const materialized = await this.options.materialize?.(crashed);
    let violations: readonly string[];
    try {
      violations = await this.checker({
        backend: materialized?.backend ?? crashed.backend(),
        clock: materialized?.clock ?? clock,
        point: point.index,
        acked: point.acked,
        inFlight: point.inFlight,
        disk: crashed,
      });
    } catch (err) {
      violations = [`checker threw: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`];
    } finally {
      await materialized?.cleanup();
    }
    this.#verdicts.set(key, violations);
    return violations;
  }
}

/** Inserts `failure` in order and drops the largest beyond `max`. */
function keepSmallest(failures: CrashFailure[], failure: CrashFailure, max: number): void {
  const at = failures.findIndex((f) => compareFailures(failure, f) < 0);
  failures.splice(at < 0 ? failures.length : at, 0, failure);
  if (failures.length > max) failures.length = max;
}

function hashFiles(files: Readonly<Record<string, string | null>>): string {
  return createHash("sha1").update(JSON.stringify(files)).digest("base64");
}
