export { describeBackendPrimitives } from "./conformance/backendPrimitives.js";
export { describeDurabilityModel } from "./conformance/durabilityModel.js";
export {
  describeLegacyStores,
  LEGACY_FIXTURES_DIR,
  type LegacyFixture,
  readFixture,
} from "./conformance/legacy.js";
export { describeModelBased } from "./conformance/modelBased.js";
export { runConformanceSuite } from "./conformance/runConformanceSuite.js";
export { describeSyscallBudget } from "./conformance/syscallBudget.js";
export type { ConformanceTarget, TargetRoot } from "./conformance/target.js";
export { titleOf, withRoot } from "./conformance/withRoot.js";
export * from "./explorer/index.js";
export * from "./faults/index.js";
export * from "./mutants/index.js";
export {
  formatEvent,
  formatTrace,
  recordTrace,
  summarizeTrace,
  TRACE_OPS,
  type TraceArgs,
  type TraceEvent,
  type TraceOp,
  type TraceRecording,
  type TraceSummary,
} from "./trace/index.js";
export { LONG_AGO_MS, type LoadTreeOptions, loadTree } from "./util/loadTree.js";
export { diffTrees, snapshotTree, type TreeNode, type TreeSnapshot } from "./util/treeSnapshot.js";
export * from "./workloads/index.js";
