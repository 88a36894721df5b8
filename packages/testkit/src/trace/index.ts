export { formatEvent, formatTrace } from "./formatTrace.js";
export { recordTrace, type TraceRecording } from "./recordTrace.js";
export { summarizeTrace, type TraceSummary } from "./summarizeTrace.js";
export { TRACE_OPS, type TraceArgs, type TraceEvent, type TraceOp } from "./traceEvent.js";
