import { type CrashMode, ErrorCode, LivingReportsError } from "@living-reports/core";
import type { CheckedWorkload } from "../workloads/standardWorkloads.js";
import { type WorkloadSet, workloadSet } from "../workloads/workloadSets.js";
import type { DiskModel, Materializer } from "./crashableDisk.js";
import { type ExploreResult, exploreCrashes } from "./exploreCrashes.js";

/**
 * One workload's share of a `crashcheck` run: plain data, so it can be posted to a worker
 * thread, which runs it with {@link runCrashcheckJob} on its own copy of the workloads.
 */
export interface CrashcheckJob {
  /** Index of the workload in the run's workload list. */
  readonly workload: number;
  /** The workload's name: a worker whose list holds another workload at that index refuses the job. */
  readonly name: string;
  /** The set the run's list was built from, for a worker given no list of its own. */
  readonly set: WorkloadSet;
  readonly states: number;
  readonly mode: CrashMode;
  readonly seed: number;
  readonly backend: "memfs" | "node-fs";
}

/** What a job needs from outside testkit: the parts of `CrashcheckIo` a worker rebuilds. */
export interface CrashcheckJobIo {
  readonly disks: DiskModel<unknown>;
  readonly materializeNodeFs?: Materializer;
  /** The workloads (default: the job's `set`); a worker must use the same list as the caller. */
  readonly workloads?: readonly CheckedWorkload[];
}

/**
 * Explores one job. Jobs share nothing but their description: a job's result depends only on
 * it (and on the names its workload draws at random), wherever it runs.
 *
 * @throws LivingReportsError INVALID_INPUT for a workload index out of range, or one whose
 *   workload is not named `job.name`; whatever {@link exploreCrashes} throws
 */
export async function runCrashcheckJob(job: CrashcheckJob, io: CrashcheckJobIo): Promise<ExploreResult> {
  const workloads = io.workloads ?? workloadSet(job.set);
  const checked = workloads[job.workload];
  if (checked === undefined) {
    throw new LivingReportsError(ErrorCode.INVALID_INPUT, `no workload #${job.workload}`);
  }
  if (checked.workload.name !== job.name) {
    throw new LivingReportsError(
      ErrorCode.INVALID_INPUT,
      `workload #${job.workload} is ${checked.workload.name}, not ${job.name}: not the caller's list`,
    );
  }
  return await exploreCrashes(checked.workload, checked.checker, {
    disks: io.disks,
    mode: job.mode,
    seed: job.seed,
    states: job.states,
    ...(job.backend === "node-fs" && io.materializeNodeFs !== undefined
      ? { materialize: io.materializeNodeFs }
      : {}),
  });
}

/**
 * Spreads jobs over `lanes` lanes (e.g. worker threads), the largest first onto the least
 * loaded lane; deterministic. Each lane lists job indexes in ascending order.
 */
export function planLanes(jobs: readonly CrashcheckJob[], lanes: number): number[][] {
  const out: number[][] = Array.from({ length: Math.max(1, Math.min(lanes, jobs.length)) }, () => []);
  const load = out.map(() => 0);
  const order = jobs
    .map((_, i) => i)
    .sort((a, b) => (jobs[b]?.states ?? 0) - (jobs[a]?.states ?? 0) || a - b);
  for (const i of order) {
    const lane = load.indexOf(Math.min(...load));
    out[lane]?.push(i);
    load[lane] = (load[lane] ?? 0) + (jobs[i]?.states ?? 0);
  }
  for (const lane of out) lane.sort((a, b) => a - b);
  return out;
}
