import { indexCompactionWorkload } from "./indexCompactionWorkload.js";
import { LEASE_LOSSES, leaseLostWorkload } from "./leaseLostWorkload.js";
import { manualEditWorkload } from "./manualEditWorkload.js";
import type { CheckedWorkload } from "./standardWorkloads.js";
import { storeChecker } from "./storeChecker.js";

/**
 * The workloads of the log protocol (issue 11), each with the store checker, none drawing from
 * `rand` (so each can be explored whole): a lease held across commits and lost in each of three
 * ways, a manual edit between two commits of one lease (in place, and durably), updates of many reports from
 * two stores during an index compaction (and a rebuild) followed by a clean close.
 */
export function protocolWorkloads(): CheckedWorkload[] {
  return [
    ...LEASE_LOSSES.map((loss) => ({ workload: leaseLostWorkload(loss), checker: storeChecker() })),
    { workload: manualEditWorkload(false), checker: storeChecker() },
    { workload: manualEditWorkload(true), checker: storeChecker() },
    { workload: indexCompactionWorkload, checker: storeChecker() },
  ];
}
