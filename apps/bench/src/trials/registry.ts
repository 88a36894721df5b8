import type { Contender, Workload } from "../names.js";
import { appendTrials } from "./append.js";
import { indexUpdateTrials, rebuildTrials } from "./indexWorkloads.js";
import { crossProcessHandoffTrials, inProcessHandoffTrials, uncontendedTrials } from "./locks.js";
import { replaceTrials } from "./replace.js";
import type { Trial } from "./trialContext.js";
import { updateTrials } from "./update.js";

/** The Node.js trials of every workload (seed-python runs from python/seedBench.py instead). */
export const TRIALS: Record<Workload, Partial<Record<Contender, Trial>>> = {
  "replace-4k": replaceTrials(4 * 1024),
  "replace-64k": replaceTrials(64 * 1024),
  append: appendTrials(1),
  "append-8-concurrent": appendTrials(8),
  update: updateTrials,
  "lock-uncontended": uncontendedTrials,
  "lock-handoff-inprocess": inProcessHandoffTrials,
  "lock-handoff-crossprocess": crossProcessHandoffTrials,
  "index-update-10k": indexUpdateTrials,
  "rebuild-100k": rebuildTrials,
};

/** The workloads the Python seed module runs (it has no lock hand-off or index API to compare). */
export const SEED_WORKLOADS: readonly Workload[] = ["replace-4k", "append", "update"];
