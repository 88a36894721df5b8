import { CRASH_MODES, type CrashMode, ErrorCode, LivingReportsError } from "@living-reports/core";
import { type MutantResult, runMutant } from "../mutants/runMutants.js";
import { standardMutants } from "../mutants/standardMutants.js";
import type { CheckedWorkload } from "../workloads/standardWorkloads.js";
import { isWorkloadSet, WORKLOAD_SETS, type WorkloadSet, workloadSet } from "../workloads/workloadSets.js";
import type { DiskModel, Materializer } from "./crashableDisk.js";
import { type CrashcheckJob, runCrashcheckJob } from "./crashcheckJob.js";
import type { CrashFailure } from "./crashFailure.js";
import type { ExploreResult } from "./exploreCrashes.js";

/** Options of {@link runCrashcheck} (the `crashcheck` command line). */
export interface CrashcheckOptions {
  /**
   * The budget: distinct crash states over all workloads, split evenly (default 2000). A
   * workload whose every state was checked stops short of its share (`exhausted`).
   */
  readonly states?: number;
  readonly seed?: number;
  readonly mode?: CrashMode;
  readonly backend?: "memfs" | "node-fs";
  /**
   * Which workloads to explore (default `all`): `standard` (create, evolve, evolve-strict,
   * concurrent-audit, index), `protocol` (the log protocol's: leases lost, manual edits in a
   * lease, index compaction) or `all`, the standard ones then the protocol's. Not with
   * `mutants`, nor with `CrashcheckIo.workloads`.
   */
  readonly workloads?: WorkloadSet;
  /** Run the mutants instead of the standard workloads (each in its own mode unless `mode` is given). */
  readonly mutants?: boolean;
  /** Print one JSON document instead of text. */
  readonly json?: boolean;
  /** Threads to explore in, when `CrashcheckIo.explore` can run jobs elsewhere (default 1: here). */
  readonly workers?: number;
}

/** What {@link runCrashcheck} needs from outside testkit (which depends on neither backend). */
export interface CrashcheckIo {
  /** The memfs disk model (`createMemfsDisk`, `MemfsDisk.fromSnapshot`, `VirtualClock`). */
  readonly disks: DiskModel<unknown>;
  /** Copies a crash state into a temporary node-fs root; required for `backend: "node-fs"`. */
  readonly materializeNodeFs?: Materializer;
  readonly stdout: (text: string) => void;
  /** The workloads to run, instead of a set named by `CrashcheckOptions.workloads`. */
  readonly workloads?: readonly CheckedWorkload[];
  /**
   * Runs the jobs (one per workload) on `workers` threads, e.g. worker threads each running
   * `runCrashcheckJob` with the same workloads and disk model; returns their results in job
   * order. Used when `workers` > 1; otherwise the jobs run here, one after another.
   */
  readonly explore?: (jobs: readonly CrashcheckJob[], workers: number) => Promise<readonly ExploreResult[]>;
}

/** The JSON document of `crashcheck --json` (docs/CLI.md). */
export interface CrashcheckReport {
  readonly mode: CrashMode;
  readonly seed: number;
  readonly backend: "memfs" | "node-fs";
  /**
   * Per workload: `states` distinct crash states checked (see `ExploreResult.states`), `checks`
   * checker runs, `rounds` workload rounds recorded, `exhausted` every crash state of the
   * workload checked (the run stopped short of its share), `kinds` the distinct violations found
   * (ids and numbers blanked out).
   */
  readonly workloads: {
    name: string;
    states: number;
    checks: number;
    rounds: number;
    exhausted: boolean;
    violations: number;
    kinds: readonly string[];
  }[];
  /** Distinct crash states over all workloads. */
  readonly states: number;
  readonly violations: number;
  readonly statesPerSecond: number;
  readonly failures: {
    workload: string;
    trace: string;
    state: CrashFailure["state"];
    violations: readonly string[];
  }[];
}

/**
 * Runs the crash explorer on a set of workloads (`options.workloads`, default all of them; the
 * total `states` split evenly) or, with `mutants`, on every mutant, and prints the result. Exit
 * code 0 when there is no violation (every mutant caught), 1 otherwise.
 *
 * @throws LivingReportsError INVALID_INPUT for bad options (a workload set with `mutants` or
 *   with `io.workloads`) or a node-fs run without a materializer
 */
export async function runCrashcheck(options: CrashcheckOptions, io: CrashcheckIo): Promise<number> {
  const mode = options.mode ?? "prefix";
  const seed = options.seed ?? 0;
  const states = options.states ?? 2000;
  if (!CRASH_MODES.includes(mode)) throw invalid(`unknown crash mode ${JSON.stringify(mode)}`);
  if (!(Number.isInteger(states) && states >= 0))
    throw invalid(`--states must be an integer ≥ 0, got ${states}`);
  if (!Number.isInteger(seed)) throw invalid(`--seed must be an integer, got ${seed}`);
  const backend = options.backend ?? "memfs";
  if (backend === "node-fs" && io.materializeNodeFs === undefined) {
    throw invalid("the node-fs backend needs a materializer");
  }
  const set = options.workloads ?? "all";
  if (!isWorkloadSet(set))
    throw invalid(`--workloads must be one of ${WORKLOAD_SETS.join(", ")}, got ${set}`);
  if (options.workloads !== undefined && options.mutants === true)
    throw invalid("--workloads does not apply to --mutants (each mutant has its own workload)");
  if (options.workloads !== undefined && io.workloads !== undefined)
    throw invalid("the workloads are given twice: as a set and as a list");
  if (options.mutants === true)
    return await mutantsReport(
      io,
      { states, seed, ...(options.mode === undefined ? {} : { mode }) },
      options.json === true,
    );
  const workloads = io.workloads ?? workloadSet(set);
  const started = performance.now();
  const rows: CrashcheckReport["workloads"] = [];
  const failures: CrashcheckReport["failures"] = [];
  const jobs: CrashcheckJob[] = workloads.map((w, i) => ({
    workload: i,
    name: w.workload.name,
    set,
    states: Math.floor(states / workloads.length) + (i < states % workloads.length ? 1 : 0),
    mode,
    seed,
    backend,
  }));
  const workers = options.workers ?? 1;
  let results: readonly ExploreResult[];
  if (workers > 1 && io.explore !== undefined) results = await io.explore(jobs, workers);
  else {
    const here: ExploreResult[] = [];
    for (const job of jobs) here.push(await runCrashcheckJob(job, { ...io, workloads }));
    results = here;
  }
  for (const result of results) {
    rows.push({
      name: result.workload,
      states: result.states,
      checks: result.checks,
      rounds: result.rounds,
      exhausted: result.exhausted,
      violations: result.violations,
      kinds: result.kinds,
    });
    const smallest = result.failures[0];
    if (smallest !== undefined) failures.push({ ...smallest });
  }
  const seconds = (performance.now() - started) / 1000;
  const total = rows.reduce((n, r) => n + r.states, 0);
  const done: CrashcheckReport = {
    mode,
    seed,
    backend,
    workloads: rows,
    states: total,
    violations: rows.reduce((n, r) => n + r.violations, 0),
    statesPerSecond: seconds > 0 ? Math.round(total / seconds) : 0,
    failures,
  };
  io.stdout(options.json === true ? `${JSON.stringify(done, null, 2)}\n` : formatReport(done));
  return done.violations === 0 ? 0 : 1;
}

/** Runs every mutant, each in its own crash mode unless `run.mode` names one for all. */
async function mutantsReport(
  io: CrashcheckIo,
  run: { states: number; seed: number; mode?: CrashMode },
  json: boolean,
): Promise<number> {
  const results: MutantResult[] = [];
  const controls = new Map<string, Promise<readonly string[]>>();
  for (const mutant of standardMutants())
    results.push(await runMutant(mutant, { disks: io.disks, controls, ...run }));
  const mutants = results.map(({ name, caught, mode, states: n }) => ({ name, caught, mode, states: n }));
  if (json) io.stdout(`${JSON.stringify({ mutants }, null, 2)}\n`);
  else {
    for (const r of results) {
      io.stdout(`${r.caught ? "caught" : "MISSED"}  ${r.name} (${r.mode}, ${r.states} states)\n`);
      if (r.failure !== undefined) io.stdout(`        ${r.failure.violations[0] ?? ""}\n`);
    }
  }
  return results.every((r) => r.caught) ? 0 : 1;
}

function formatReport(report: CrashcheckReport): string {
  const lines = [`crashcheck: ${report.backend}, mode ${report.mode}, seed ${report.seed}`];
  const width = Math.max(18, ...report.workloads.map((w) => w.name.length));
  for (const w of report.workloads)
    lines.push(
      `  ${w.name.padEnd(width)} ${w.states} states${w.exhausted ? " (all of them)" : ""}, ` +
        `${w.violations} violations, ${w.rounds} rounds`,
    );
  lines.push(
    `  total: ${report.states} states, ${report.violations} violations, ${report.statesPerSecond} states/s`,
  );
  for (const f of report.failures) {
    lines.push(
      "",
      `violation in ${f.workload} at crash point ${f.state.point}:`,
      ...f.violations.map((v) => `  ${v}`),
    );
    lines.push("  lost:", ...f.state.lost.map((c) => `    ${c}`), "  trace (last 15 calls):");
    lines.push(
      ...f.trace
        .split("\n")
        .slice(-15)
        .map((l) => `    ${l}`),
    );
  }
  return `${lines.join("\n")}\n`;
}

/**
 * Parses the `crashcheck` arguments: `--json`, `--mutants`, `--states N`, `--seed S`,
 * `--mode M`, `--backend memfs|node-fs`, `--workloads standard|protocol|all`, `--workers N`
 * (also `--flag=value`).
 *
 * @throws LivingReportsError INVALID_INPUT for an unknown flag or a bad value
 */
export function parseCrashcheckArgs(argv: readonly string[]): CrashcheckOptions {
  const out: { -readonly [K in keyof CrashcheckOptions]: CrashcheckOptions[K] } = {};
  const args = argv.flatMap((a) => (a.startsWith("--") && a.includes("=") ? a.split(/=(.*)/s, 2) : [a]));
  for (let i = 0; i < args.length; i++) {
    const flag = args[i];
    const value = (): string => {
      const v = args[++i];
      if (v === undefined) throw invalid(`${flag} needs a value`);
      return v;
    };
    if (flag === "--json") out.json = true;
    else if (flag === "--mutants") out.mutants = true;
    else if (flag === "--states") out.states = integer(flag, value());
    else if (flag === "--seed") out.seed = integer(flag, value());
    else if (flag === "--workers") {
      out.workers = integer(flag, value());
      if (out.workers < 1) throw invalid(`--workers must be at least 1, got ${out.workers}`);
    } else if (flag === "--mode") out.mode = value() as CrashMode;
    else if (flag === "--backend") {
      const v = value();
      if (v !== "memfs" && v !== "node-fs") throw invalid(`--backend must be memfs or node-fs, got ${v}`);
      out.backend = v;
    } else if (flag === "--workloads") {
      const v = value();
      if (!isWorkloadSet(v))
        throw invalid(`--workloads must be one of ${WORKLOAD_SETS.join(", ")}, got ${v}`);
      out.workloads = v;
    } else throw invalid(`unknown argument ${JSON.stringify(flag)}`);
  }
  return out;
}

function integer(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n)) throw invalid(`${flag} must be an integer, got ${JSON.stringify(text)}`);
  return n;
}

function invalid(message: string): LivingReportsError {
  return new LivingReportsError(ErrorCode.INVALID_INPUT, message);
}
