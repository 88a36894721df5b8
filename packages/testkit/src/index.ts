export * from "./conformance/index.js";
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
