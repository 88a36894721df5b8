import type { Contender, Workload } from "../names.js";
import { isUpdateWorkload } from "../update/workloads.js";
import type { Trial } from "./trialContext.js";

/** The postgres contender runs only where a server is named (trials/postgres.ts). */
const PG: Contender[] =
  (process.env.LR_POSTGRES_URL ?? process.env.LIVING_REPORTS_URL) === undefined
    ? []
    : ["living-reports-postgres"];

type Trials = Partial<Record<Contender, Trial>>;

const REPLACE: Contender[] = [
  "living-reports",
  "node-baseline-sync",
  "node-baseline-async",
  "write-file-atomic",
  "atomically",
  "steno",
];
const APPEND: Contender[] = ["living-reports", "node-baseline-sync", "node-baseline-async"];
const LOCKS: Contender[] = ["living-reports", "proper-lockfile", "proper-lockfile-tuned"];
/** The database peers of the update workloads (optional: they run when they load, see main.ts). */
const DATABASES: Contender[] = ["sqlite-wal-full", "sqlite-rollback-full", "lmdb"];

/** The Node.js contenders of each workload (seed-python runs from python/seed_bench.py instead). */
export const NODE_CONTENDERS: Record<Workload, readonly Contender[]> = {
  "replace-4k": REPLACE,
  "replace-64k": REPLACE,
  append: APPEND,
  "append-8-concurrent": APPEND,
  update: ["living-reports", "node-baseline-sync", ...DATABASES, ...PG],
  "update-100-reports": ["living-reports", "node-baseline-sync", ...DATABASES],
  "update-8-concurrent": ["living-reports"],
  "update-8-processes": ["living-reports", ...DATABASES, ...PG],
  "update-history-10": ["living-reports"],
  "update-history-1000": ["living-reports"],
  "lock-uncontended": LOCKS,
  "lock-handoff-inprocess": LOCKS,
  "lock-handoff-crossprocess": [...LOCKS, ...PG],
  "index-update-10k": ["living-reports", "node-baseline-sync"],
  "rebuild-100k": ["living-reports"],
};

/** The workloads the Python seed module runs (it has no lock hand-off or index API to compare). */
export const SEED_WORKLOADS: readonly Workload[] = ["replace-4k", "append", "update"];

/**
 * Loads the trials of one workload. Imports are per workload so that a worker process loads only
 * the libraries its trial uses (process start-up is most of a short trial's cost).
 */
export async function loadTrials(workload: Workload): Promise<Trials> {
  if (isUpdateWorkload(workload)) {
    const { updateTrial } = await import("../update/workloads.js");
    return Object.fromEntries(NODE_CONTENDERS[workload].map((c) => [c, updateTrial(workload, c)]));
  }
  switch (workload) {
    case "replace-4k":
      return (await import("./replace.js")).replaceTrials(4 * 1024);
    case "replace-64k":
      return (await import("./replace.js")).replaceTrials(64 * 1024);
    case "append":
      return (await import("./append.js")).appendTrials(1);
    case "append-8-concurrent":
      return (await import("./append.js")).appendTrials(8);
    case "lock-uncontended":
      return (await import("./locks.js")).uncontendedTrials;
    case "lock-handoff-inprocess":
      return (await import("./locks.js")).inProcessHandoffTrials;
    case "lock-handoff-crossprocess": {
      const trials = (await import("./locks.js")).crossProcessHandoffTrials;
      const postgres = trials["living-reports-postgres"];
      if (postgres === undefined) return trials;
      const { dropSchema } = await import("./postgres.js");
      // The lock's rows live in the trial's own schema: drop it after the trial, whatever happened.
      const withSchema: Trial = async (ctx) => {
        try {
          return await postgres(ctx);
        } finally {
          await dropSchema(ctx.dir);
        }
      };
      return { ...trials, "living-reports-postgres": withSchema };
    }
    case "index-update-10k":
      return (await import("./indexWorkloads.js")).indexUpdateTrials;
    case "rebuild-100k":
      return (await import("./indexWorkloads.js")).rebuildTrials;
  }
}
