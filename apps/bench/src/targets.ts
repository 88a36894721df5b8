import { cellKey, type ResultRow, type RoundSample, roundRatio } from "./aggregate.js";
import type { Contender, Workload } from "./names.js";
import { median } from "./stats.js";

/** One speed target of issues 6 and 11, judged on this run. */
export interface TargetCheck {
  target: string;
  measured: string;
  /** undefined when the run lacks what the target compares (a contender or workload skipped). */
  holds: boolean | undefined;
}

/**
 * Flushes an acknowledged update may cost (issue 11): one, the audit record that commits it; two
 * at most for an update at which a checkpoint falls due. Judged on the fsyncs counted around each
 * measured `update`: the median update makes {@link UPDATE_FLUSHES}, none more than
 * {@link UPDATE_FLUSHES_MAX}.
 */
export const UPDATE_FLUSHES = 1;
/** The most flushes any one update may cost (a checkpoint falls due). */
export const UPDATE_FLUSHES_MAX = 2;

/** "Within 10%": the ratio a workload must keep against the one it is compared with to count as flat. */
export const FLAT_RATIO = 0.9;

/**
 * Judges the targets of issues 6 and 11 on the samples and rows of one run. Every ratio is the
 * median over rounds of the ratio within a round ({@link roundRatio}).
 */
export function checkTargets(samples: Map<string, RoundSample[]>, rows: ResultRow[]): TargetCheck[] {
  const row = (w: Workload, c: Contender) => rows.find((r) => r.workload === w && r.contender === c);
  const ratio = (w1: Workload, c1: Contender, w2: Workload, c2: Contender) =>
    roundRatio(samples, cellKey(w1, c1), cellKey(w2, c2));
  const checks: TargetCheck[] = [];
  const vs = (target: string, r: number, holds: (r: number) => boolean, extra = "", extraHolds = true) => {
    checks.push({
      target,
      measured: Number.isNaN(r) ? "not measured" : `${r.toFixed(2)}×${extra}`,
      holds: Number.isNaN(r) ? undefined : holds(r) && extraHolds,
    });
  };
  const atLeast = (goal: number) => (r: number) => r >= goal;
  const ours = "living-reports";

  // Issue 11: the write path.
  vs("update ≥ 0.7× sqlite-wal-full", ratio("update", ours, "update", "sqlite-wal-full"), atLeast(0.7));
  vs("update ≥ 3× seed-python", ratio("update", ours, "update", "seed-python"), atLeast(3));
  checks.push(flushTarget(samples.get(cellKey("update", ours)) ?? []));
  vs(
    "update-100-reports within 10% of update",
    ratio("update-100-reports", ours, "update", ours),
    atLeast(FLAT_RATIO),
  );
  vs(
    "history flat: update-history-1000 within 10% of update-history-10",
    ratio("update-history-1000", ours, "update-history-10", ours),
    atLeast(FLAT_RATIO),
  );
  vs("update-8-concurrent ≥ 4× update", ratio("update-8-concurrent", ours, "update", ours), atLeast(4));
  vs(
    "update-8-processes ahead of sqlite-wal-full (8 processes)",
    ratio("update-8-processes", ours, "update-8-processes", "sqlite-wal-full"),
    (r) => r > 1,
  );

  // Issue 6: the building blocks.
  const oursFsyncs = row("replace-4k", ours)?.fsyncsPerOp;
  const base = row("replace-4k", "node-baseline-sync")?.fsyncsPerOp;
  const same = oursFsyncs !== undefined && oursFsyncs !== null && oursFsyncs === base;
  vs(
    "replace-4k ≥ 0.9× node-baseline-sync, same fsyncs",
    ratio("replace-4k", ours, "replace-4k", "node-baseline-sync"),
    atLeast(0.9),
    `, fsyncs/op ${oursFsyncs ?? "?"} vs ${base ?? "?"}`,
    same,
  );
  vs("append-8-concurrent ≥ 3× our append", ratio("append-8-concurrent", ours, "append", ours), atLeast(3));
  vs(
    "lock-uncontended ≥ 2× proper-lockfile",
    ratio("lock-uncontended", ours, "lock-uncontended", "proper-lockfile"),
    atLeast(2),
  );
  const handoff = row("lock-handoff-inprocess", ours)?.p50Us;
  checks.push({
    target: "in-process hand-off p50 < 100 µs",
    measured: handoff === undefined ? "not measured" : `${handoff} µs`,
    holds: handoff === undefined ? undefined : handoff < 100,
  });
  return checks;
}

/**
 * The flush target of `update`, on the rounds' per-update counts: the median over rounds of each
 * round's median update, and the largest count of any update in any round.
 */
export function flushTarget(rounds: readonly RoundSample[]): TargetCheck {
  const target = `update: ${UPDATE_FLUSHES} flush per update (${UPDATE_FLUSHES_MAX} at most when a checkpoint falls due)`;
  const counted = rounds.flatMap((s) => (s.fsyncsEach === undefined ? [] : [s.fsyncsEach]));
  if (counted.length === 0) return { target, measured: "not measured", holds: undefined };
  const typical = median(counted.map((c) => c.median));
  const most = Math.max(...counted.map((c) => c.max));
  const mean = median(rounds.flatMap((s) => (s.fsyncsPerOp === undefined ? [] : [s.fsyncsPerOp])));
  return {
    target,
    measured: `median ${typical}, max ${most}, mean ${mean.toFixed(2)} per update`,
    holds: typical <= UPDATE_FLUSHES && most <= UPDATE_FLUSHES_MAX,
  };
}
