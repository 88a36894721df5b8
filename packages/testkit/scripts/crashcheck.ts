/**
 * `npm run crashcheck`: the crash explorer on the standard workloads (or the mutants) over
 * memfs, or node-fs with `--backend node-fs`. Run after a build (it imports the packages' dist/
 * by relative path: testkit may not depend on the backends, which devDepend on it).
 *
 * `--workers N` explores the workloads on N worker threads (crashcheckWorker.mjs, at most one
 * per workload), sharing nothing but their jobs (plain data); their results are merged in
 * workload order. The default, 1, explores them here one after another: on a busy 2-core
 * machine the threads cost more CPU than they save (see docs/CRASH-TESTING.md); on idle cores
 * `--workers 2` is faster.
 *
 *   npm run crashcheck -- --json --states 20000 [--mode torn] [--seed 7] [--backend node-fs] [--workers 2]
 *   npm run crashcheck -- --mutants --json
 */
import { Worker } from "node:worker_threads";
import {
  type CrashcheckJob,
  describeError,
  type ExploreResult,
  parseCrashcheckArgs,
  planLanes,
  runCrashcheck,
} from "../dist/index.js";
import { jobIo } from "./crashcheckIo.mjs";

/** Runs the jobs on `workers` worker threads, results in job order. */
async function inWorkers(jobs: readonly CrashcheckJob[], workers: number): Promise<ExploreResult[]> {
  const lanes = planLanes(jobs, workers);
  const done = await Promise.all(
    lanes.map(
      (lane) =>
        new Promise<ExploreResult[]>((resolve, reject) => {
          const worker = new Worker(new URL("./crashcheckWorker.mjs", import.meta.url), {
            workerData: lane.map((i) => jobs[i]),
          });
          worker.once("message", (results: ExploreResult[]) => resolve(results));
          worker.once("error", reject);
          worker.once("exit", (code) => reject(new Error(`crashcheck worker exited with code ${code}`)));
        }),
    ),
  );
  const results: ExploreResult[] = [];
  lanes.forEach((lane, l) => {
    lane.forEach((job, k) => {
      const result = done[l]?.[k];
      if (result !== undefined) results[job] = result;
    });
  });
  return results;
}

try {
  const options = parseCrashcheckArgs(process.argv.slice(2));
  process.exitCode = await runCrashcheck(options, {
    ...jobIo,
    explore: inWorkers,
    stdout: (text) => process.stdout.write(text),
  });
} catch (err) {
  process.stderr.write(`crashcheck: ${describeError(err)}\n`);
  process.exitCode = 2;
}
