import { TRACE_OPS, type TraceEvent, type TraceOp } from "./traceEvent.js";

/** Calls per op (every op present, 0 when absent), plus the total and how many failed. */
export type TraceSummary = Readonly<Record<TraceOp, number>> & {
  readonly total: number;
  readonly failed: number;
};

/** Counts a trace's events per op; failed calls count too (and also in `failed`). */
export function summarizeTrace(trace: readonly TraceEvent[]): TraceSummary {
  const counts = Object.fromEntries(TRACE_OPS.map((op) => [op, 0])) as Record<TraceOp, number>;
  let failed = 0;
  for (const event of trace) {
    counts[event.op] += 1;
    if (event.result !== "ok") failed += 1;
  }
  return { ...counts, total: trace.length, failed };
}
