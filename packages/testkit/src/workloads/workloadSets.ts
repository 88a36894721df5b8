import { protocolWorkloads } from "./protocolWorkloads.js";
import { type CheckedWorkload, standardWorkloads } from "./standardWorkloads.js";

/**
 * The workload sets `crashcheck --workloads` names: `standard` ({@link standardWorkloads}),
 * `protocol` (the log protocol's, {@link protocolWorkloads}) and `all` (the standard ones, then
 * the protocol's).
 */
export const WORKLOAD_SETS = ["standard", "protocol", "all"] as const;

/** One of {@link WORKLOAD_SETS}. */
export type WorkloadSet = (typeof WORKLOAD_SETS)[number];

/**
 * The workloads of `set`, fresh each call and always in the same order, so that a worker thread
 * building its own list finds each workload at the index its job names.
 */
export function workloadSet(set: WorkloadSet): CheckedWorkload[] {
  if (set === "standard") return standardWorkloads();
  if (set === "protocol") return protocolWorkloads();
  return [...standardWorkloads(), ...protocolWorkloads()];
}

/** Whether `value` names one of {@link WORKLOAD_SETS}. */
export function isWorkloadSet(value: string): value is WorkloadSet {
  return (WORKLOAD_SETS as readonly string[]).includes(value);
}
