import { formatTrace } from "../trace/formatTrace.js";
import type { TraceEvent } from "../trace/traceEvent.js";
import type { CrashChange, CrashSelectionSpec } from "./crashableDisk.js";
import type { StepRecord } from "./workload.js";

/** The crash state of a failure: what of the volatile changes survived, and the files left. */
export interface CrashStateDescription {
  /** The crash point (0 = after setup). */
  readonly point: number;
  /** Pending changes at the crash, `#id kind path [N B]`, each marked kept or lost. */
  readonly kept: readonly string[];
  readonly lost: readonly string[];
  /** Torn writes: `#id cut to N of M B`. */
  readonly torn: readonly string[];
  /** The files and directories of the crashed disk (directories end in `/`). */
  readonly files: readonly string[];
  /** Steps acknowledged before the crash and steps in flight, by label. */
  readonly acked: readonly string[];
  readonly inFlight: readonly string[];
}

/** A violation found by the explorer: where, and the checker's verdict. */
export interface CrashFailure {
  readonly workload: string;
  /** The backend calls up to the crash point, one per line ({@link formatTrace}). */
  readonly trace: string;
  readonly state: CrashStateDescription;
  readonly violations: readonly string[];
}

/** What a failure is built from. */
export interface FailureInput {
  readonly workload: string;
  readonly trace: readonly TraceEvent[];
  readonly traceLength: number;
  readonly point: number;
  readonly changes: readonly CrashChange[];
  readonly selection: CrashSelectionSpec;
  readonly files: Readonly<Record<string, string | null>>;
  readonly acked: readonly StepRecord[];
  readonly inFlight: readonly StepRecord[];
  readonly violations: readonly string[];
}

/** Builds the printable record of one failure. Never throws. */
export function describeFailure(input: FailureInput): CrashFailure {
  const describe = (c: CrashChange): string =>
    `#${c.id} ${c.kind} ${c.path}${c.data === undefined ? "" : ` [${c.data.length} B]`}`;
  const byId = new Map(input.changes.map((c) => [c.id, c]));
  return {
    workload: input.workload,
    trace: formatTrace(input.trace.slice(0, input.traceLength)),
    state: {
      point: input.point,
      kept: input.changes.filter((c) => input.selection.keep.has(c.id)).map(describe),
      lost: input.changes.filter((c) => !input.selection.keep.has(c.id)).map(describe),
      torn: (input.selection.tear ?? []).map(
        (t) => `#${t.id} cut to ${t.bytes} of ${byId.get(t.id)?.data?.length ?? "?"} B`,
      ),
      files: Object.entries(input.files).map(([path, content]) => (content === null ? `${path}/` : path)),
      acked: input.acked.map((s) => s.label),
      inFlight: input.inFlight.map((s) => s.label),
    },
    violations: input.violations,
  };
}

/** How small a failing state is: its crash point, changes kept, writes torn. */
export interface FailureRank {
  readonly point: number;
  readonly kept: number;
  readonly torn: number;
}

/** The rank of a described failure. */
export function rankOf(failure: CrashFailure): FailureRank {
  return { point: failure.state.point, kept: failure.state.kept.length, torn: failure.state.torn.length };
}

/**
 * Orders ranks smallest first: the earliest crash point, then the fewest changes kept, then the
 * fewest torn writes, so the first failure is the shortest trace to read.
 */
export function compareRanks(a: FailureRank, b: FailureRank): number {
  return a.point - b.point || a.kept - b.kept || a.torn - b.torn;
}

/** {@link compareRanks} of two failures. */
export function compareFailures(a: CrashFailure, b: CrashFailure): number {
  return compareRanks(rankOf(a), rankOf(b));
}
