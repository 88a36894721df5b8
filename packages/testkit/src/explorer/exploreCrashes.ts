import { createHash } from "node:crypto";
import { type CrashMode, ErrorCode, LivingReportsError, type StorageBackend } from "@living-reports/core";
import { canonicalKeyer } from "./canonicalState.js";
import type { CrashableDisk, DiskModel, Materializer } from "./crashableDisk.js";
import {
  type CrashFailure,
  compareFailures,
  compareRanks,
  describeFailure,
  type FailureRank,
  rankOf,
} from "./crashFailure.js";
import { selectionsOf, type TearOptions } from "./enumerateSelections.js";
import { type Recording, recordWorkload } from "./recordWorkload.js";
import { signature } from "./violationSignature.js";
import type { CrashChecker, StepRecord, Workload } from "./workload.js";

/** How far past the recording crash states are checked: beyond any lock's stale time. */
const CHECK_CLOCK_OFFSET_MS = 24 * 3600 * 1000;

/** Options of {@link exploreCrashes}. */
export interface ExploreOptions<TSnapshot> {
  /** How to make disks and clocks (memfs: `memfsDisks` from `@living-reports/memfs`). */
  readonly disks: DiskModel<TSnapshot>;
  /** The crash mode (default `prefix`). */
  readonly mode?: CrashMode;
  /** Seed of the workload runs and of the sampling (default 0). */
  readonly seed?: number;
  /**
   * The budget: how many distinct crash states to check at most. Rounds of the workload (seeds
   * `seed`, `seed + 1`, ...) are recorded until this many are checked, the space is exhausted,
   * `idleRounds` rounds in a row find nothing new, or `maxRounds` rounds have run.
   */
  readonly states: number;
  /** Most crash states per crash point: all of them when fewer, else a seeded sample (default 32). */
  readonly perPoint?: number;
  /** Most workload rounds (default 1000). */
  readonly maxRounds?: number;
  /**
   * Stop after this many rounds in a row that found no new state (default 4). Rounds differ by
   * the seed of `rand` (a workload may branch on it) and by names drawn at random, which do not
   * make a state new.
   */
  readonly idleRounds?: number;
  /**
   * How many violating states to keep in the result, the smallest (default 10). It limits what
   * is kept only: exploration goes on (see `stopAfter`), and `violations` counts them all.
   */
  readonly maxFailures?: number;
  /** Stop exploring once this many violating states were found (default: never, explore the budget). */
  readonly stopAfter?: number;
  /** How writes tear in mode `torn`: sector size and fills (default any byte, every fill: `cut`, `zeros`, `garbage`). */
  readonly tears?: TearOptions;
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
  /**
   * Distinct crash states checked, over all rounds: two states are one when the checker is shown
   * the same steps and the same files up to names drawn at random and exact times (see
   * {@link canonicalStateKey}), whatever crash point or round they came from.
   */
  readonly states: number;
  /** Checker runs (each distinct state is checked once: equal to `states`). */
  readonly checks: number;
  /** States that violated the checker. */
  readonly violations: number;
  /** Crash points recorded, over all rounds. */
  readonly points: number;
  /** Workload rounds recorded. */
  readonly rounds: number;
  /**
   * True when every crash state of the workload was checked: every crash point's states were
   * enumerated whole (none sampled), the workload draws nothing from `rand` (so every round runs
   * alike), and a second round, with fresh random names, found no new state. The run stops then.
   */
  readonly exhausted: boolean;
  /** Why the run ended. */
  readonly stoppedBy: "budget" | "exhausted" | "idle" | "maxRounds" | "stopAfter";
  readonly elapsedMs: number;
  /** The smallest violating states found (at most `maxFailures`), smallest first. */
  readonly failures: readonly CrashFailure[];
  /** Every kind of violation found, as {@link signature}s, sorted. */
  readonly kinds: readonly string[];
}

/**
 * Explores the crashes of `workload` (docs/CRASH-MODEL.md): records it, then for every crash point
 * materialises the crash states `mode` allows (exhaustively while at most `perPoint`, by seeded
 * sampling beyond) and runs `checker` on each state not seen before, in this round or an earlier
 * one. Points are visited in passes (the first state of every point, then the second, ...), so a
 * small budget still covers the whole trace.
 *
 * Deterministic for a given seed except for names the workload draws at random (ids, temp
 * names), which the counts do not depend on.
 *
 * @throws LivingReportsError INVALID_INPUT for a bad budget or tear options; whatever the
 *   workload throws while it is recorded (a workload must run clean)
 */
export async function exploreCrashes<TSnapshot>(
  workload: Workload,
  checker: CrashChecker,
  options: ExploreOptions<TSnapshot>,
): Promise<ExploreResult> {
  for (const [name, value, min] of [
    ["states", options.states, 0],
    ["perPoint", options.perPoint ?? 32, 1],
    ["maxRounds", options.maxRounds ?? 1000, 1],
    ["idleRounds", options.idleRounds ?? 4, 1],
  ] as const) {
    if (!(Number.isInteger(value) && value >= min)) {
      throw new LivingReportsError(
        ErrorCode.INVALID_INPUT,
        `${name} must be an integer ≥ ${min}, got ${value}`,
      );
    }
  }
  const mode = options.mode ?? "prefix";
  const seed = options.seed ?? 0;
  const started = performance.now();
  const tally = { states: 0, violations: 0, points: 0, rounds: 0 };
  const failures: CrashFailure[] = [];
  const kinds = new Set<string>();
  const seen = new Set<string>();
  const maxFailures = options.maxFailures ?? 10;
  const stopAfter = options.stopAfter ?? Number.POSITIVE_INFINITY;
  const maxRounds = options.maxRounds ?? 1000;
  const idleRounds = options.idleRounds ?? 4;
  let idle = 0;
  let wholeRounds = 0;
  let stoppedBy: ExploreResult["stoppedBy"] = "maxRounds";
  while (tally.rounds < maxRounds) {
    if (tally.violations >= stopAfter) {
      stoppedBy = "stopAfter";
      break;
    }
    // At the budget, one more round may still run to confirm that the space is exhausted.
    if (tally.states >= options.states && wholeRounds === 0) {
      stoppedBy = "budget";
      break;
    }
    const recording = await recordWorkload(workload, options.disks, {
      seed: seed + tally.rounds,
      ...(options.wrapBackend === undefined ? {} : { wrapBackend: options.wrapBackend }),
    });
    const round = new Round(workload.name, recording, checker, options, mode, seed + tally.rounds, seen);
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
    tally.points += recording.points.length;
    tally.rounds += 1;
    const whole = round.complete && recording.randDraws === 0;
    if (whole && round.states === 0 && wholeRounds > 0) {
      stoppedBy = "exhausted";
      break;
    }
    wholeRounds = whole ? wholeRounds + 1 : 0;
    idle = round.states === 0 ? idle + 1 : 0;
    if (idle >= idleRounds) {
      stoppedBy = "idle";
      break;
    }
  }
  return {
    workload: workload.name,
    mode,
    seed,
    states: tally.states,
    checks: tally.states,
    violations: tally.violations,
    points: tally.points,
    rounds: tally.rounds,
    exhausted: stoppedBy === "exhausted",
    stoppedBy,
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
  /** Every state of every point was visited, and each point's states were all there are. */
  complete = false;

  constructor(
    private readonly name: string,
    private readonly recording: Recording<TSnapshot>,
    private readonly checker: CrashChecker,
    private readonly options: ExploreOptions<TSnapshot>,
    private readonly mode: CrashMode,
    private readonly seed: number,
    /** Canonical keys of the states checked so far, in every round. */
    private readonly seen: Set<string>,
  ) {}

  async run(budget: number, stopAfter: number, onFailure: FailureSink): Promise<void> {
    const clock = this.options.disks.clock(this.recording.endMs + CHECK_CLOCK_OFFSET_MS);
    const perPoint = this.options.perPoint ?? 32;
    // The canonical key of each exact image under each expectation, computed once per round.
    const canonical = new Map<string, string>();
    let whole = true;
    const points = this.recording.points.map((point, index) => {
      const disk = this.options.disks.fromSnapshot(point.snapshot, clock);
      const changes = disk.pendingChanges();
      const selections = selectionsOf(
        changes,
        this.mode,
        perPoint,
        this.seed * 7919 + index,
        this.options.tears,
      );
      whole &&= selections.complete;
      const expectations = this.expectations(index);
      return {
        index,
        disk,
        changes,
        selections: selections.list,
        seen: new Set<string>(),
        keyer: canonicalKeyer(expectations),
        ...expectations,
      };
    });
    for (let pass = 0; pass < perPoint; pass++) {
      let any = false;
      for (const point of points) {
        const selection = point.selections[pass];
        if (selection === undefined) continue;
        any = true;
        // Materialise only states not yet judged: a disk that can digest a crash state without
        // making it (memfs) is crashed at most once per new state.
        let crashed: CrashableDisk | undefined;
        const crash = (): CrashableDisk => {
          crashed ??= point.disk.crashWith(selection);
          return crashed;
        };
        const image = point.disk.crashDigest?.(selection) ?? hashFiles(crash().toJSON());
        if (point.seen.has(image)) continue;
        point.seen.add(image);
        const exact = `${point.key}|${image}`;
        let key = canonical.get(exact);
        if (key === undefined) {
          key = point.keyer(point.disk.crashFiles?.(selection) ?? crash().toJSON());
          canonical.set(exact, key);
        }
        if (this.seen.has(key)) continue;
        if (this.states >= budget || this.violations >= stopAfter) return;
        this.seen.add(key);
        this.states += 1;
        const violations = await this.verdict(crash, clock, point);
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
      if (!any) break;
    }
    this.complete = whole;
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
    crash: () => CrashableDisk,
    clock: ReturnType<DiskModel<TSnapshot>["clock"]>,
    point: { index: number; acked: StepRecord[]; inFlight: StepRecord[] },
  ): Promise<readonly string[]> {
    const crashed = crash();
    const materialized = await this.options.materialize?.(crashed);
    try {
      return await this.checker({
        backend: materialized?.backend ?? crashed.backend(),
        clock: materialized?.clock ?? clock,
        point: point.index,
        acked: point.acked,
        inFlight: point.inFlight,
        disk: crashed,
      });
    } catch (err) {
      return [`checker threw: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`];
    } finally {
      await materialized?.cleanup();
    }
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
