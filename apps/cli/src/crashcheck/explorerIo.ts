import { memfsDisks } from "@living-reports/memfs";
import { nodeFsBackend } from "@living-reports/node-fs";
import {
  type CrashcheckIo,
  type CrashcheckJob,
  type CrashcheckJobIo,
  directoryMaterializer,
  type ExploreResult,
  runCrashcheckJob,
} from "@living-reports/testkit/explorer";
import type { ProgressBar } from "../output/progressBar.js";

/**
 * `runCrashcheck` hands its jobs to `CrashcheckIo.explore` only when asked for more than one
 * worker; the CLI asks for this many so that its `explore` (which runs the jobs here, one after
 * another) can draw progress between them. The result is the same as running them in place.
 */
export const EXPLORE_THROUGH_HOOK = 2;

/**
 * What `runCrashcheck` needs to run in the CLI: the memfs disk model, the node-fs materializer
 * (each crash state copied into a temporary directory, removed after its check), the jobs' workloads
 * (the set the options name) explored one by one with `bar` showing the states done so far, and
 * `stdout` for the report.
 */
export function explorerIo(stdout: (text: string) => void, bar: ProgressBar): CrashcheckIo {
  const jobIo: CrashcheckJobIo = {
    disks: memfsDisks,
    materializeNodeFs: directoryMaterializer((root) => nodeFsBackend({ root })),
  };
  const explore = async (jobs: readonly CrashcheckJob[]): Promise<ExploreResult[]> => {
    const total = jobs.reduce((n, job) => n + job.states, 0);
    let done = 0;
    const results: ExploreResult[] = [];
    for (const job of jobs) {
      bar.update({ phase: `crashcheck ${job.name}`, done, total });
      results.push(await runCrashcheckJob(job, jobIo));
      done += job.states;
    }
    bar.update({ phase: "crashcheck", done, total });
    return results;
  };
  return { ...jobIo, stdout, explore };
}
