/**
 * `npm run crashcheck`: the crash explorer on the store's workloads (all of them by default:
 * the standard ones and the log protocol's; `--workloads` picks one set) or the mutants, over
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
 *   npm run crashcheck -- --workloads protocol --states 2000
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

const USAGE = `usage: npm run crashcheck -- [options]

Simulates power losses during the report store's workloads (on the memfs disk model) and checks
that every crash state recovers (docs/CRASH-TESTING.md). Exit 0: no violation (every mutant
caught); 1: a violation (a mutant missed); 2: bad options.

  --workloads SET    standard, protocol or all (default all): standard = create, evolve,
                     evolve-strict, concurrent-audit, index; protocol = the log protocol's
                     lease-handed-over, lease-stalled, lease-fenced, manual-edit-in-place,
                     manual-edit-durable, index-compaction; all = both, in that order
  --states N         distinct crash states at most, split evenly over the workloads (default
                     2000); a workload stops short once its states are all checked (exhausted)
                     or stop being new
  --mode M           what survives a crash: prefix, torn, reorder or drop (default prefix)
  --seed S           seed of the workloads and the sampling (default 0)
  --backend B        memfs (default) or node-fs: each crash state copied to a temp dir and
                     recovered there by the node-fs backend
  --workers N        worker threads to explore the workloads on (default 1)
  --mutants          run the deliberately broken stores instead, each in its own mode (or --mode);
                     each must be caught
  --json             print one JSON document (per workload: states, checks, rounds, exhausted,
                     violations, kinds)
  --help             print this
`;

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

const argv = process.argv.slice(2);
if (argv.some((a) => a === "--help" || a === "-h")) process.stdout.write(USAGE);
else {
  try {
    const options = parseCrashcheckArgs(argv);
    process.exitCode = await runCrashcheck(options, {
      ...jobIo,
      explore: inWorkers,
      stdout: (text) => process.stdout.write(text),
    });
  } catch (err) {
    process.stderr.write(`crashcheck: ${describeError(err)}\n`);
    process.exitCode = 2;
  }
}
