import { indexCompactionWorkload } from "./indexCompactionWorkload.js";
import { leaseLostWorkload } from "./leaseLostWorkload.js";
import { manualEditWorkload } from "./manualEditWorkload.js";
import type { CheckedWorkload } from "./standardWorkloads.js";
import { storeChecker } from "./storeChecker.js";

/**
 * The workloads of the log protocol (issue 11), each with the store checker: a lease held across
 * commits and lost, a manual edit between two commits of one lease, updates of many reports from
 * two stores during an index compaction (and a rebuild) followed by a clean close.
 */
export function protocolWorkloads(): CheckedWorkload[] {
  return [
    { workload: leaseLostWorkload, checker: storeChecker() },
    { workload: manualEditWorkload, checker: storeChecker() },
    { workload: indexCompactionWorkload, checker: storeChecker() },
  ];
}
