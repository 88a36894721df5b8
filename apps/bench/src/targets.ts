import { cellKey, type ResultRow, type RoundSample, roundRatio } from "./aggregate.js";
import type { Contender, Workload } from "./names.js";

/** One speed target of issue 6, judged on this run. */
export interface TargetCheck {
  target: string;
  measured: string;
  /** undefined when the run lacks what the target compares (a contender skipped). */
  holds: boolean | undefined;
}

/**
 * The fsyncs an update needs (docs/BENCHMARKS.md): `backups/` after the hard link, the temp
 * file, the report folder after the rename, the audit log's fdatasync. The index line is not
 * synced: recovery rebuilds the index after an unclean shutdown.
 */
export const UPDATE_FSYNC_BUDGET = 4;

/** Judges the targets of issue 6 on the samples and rows of one run (ratios within rounds). */
export function checkTargets(samples: Map<string, RoundSample[]>, rows: ResultRow[]): TargetCheck[] {
  const row = (w: Workload, c: Contender) => rows.find((r) => r.workload === w && r.contender === c);
  const ratio = (w1: Workload, c1: Contender, w2: Workload, c2: Contender) =>
    roundRatio(samples, cellKey(w1, c1), cellKey(w2, c2));
  const checks: TargetCheck[] = [];
  const vs = (target: string, r: number, goal: number, extra = "", extraHolds = true) => {
    checks.push({
      target,
      measured: Number.isNaN(r) ? "not measured" : `${r.toFixed(2)}×${extra}`,
      holds: Number.isNaN(r) ? undefined : r >= goal && extraHolds,
    });
  };
  vs("update ≥ 3× seed-python", ratio("update", "living-reports", "update", "seed-python"), 3);
  const ours = row("replace-4k", "living-reports")?.fsyncsPerOp;
  const base = row("replace-4k", "node-baseline-sync")?.fsyncsPerOp;
  const same = ours !== undefined && ours !== null && ours === base;
  vs(
    "replace-4k ≥ 0.9× node-baseline-sync, same fsyncs",
    ratio("replace-4k", "living-reports", "replace-4k", "node-baseline-sync"),
    0.9,
    `, fsyncs/op ${ours ?? "?"} vs ${base ?? "?"}`,
    same,
  );
  vs(
    "append-8-concurrent ≥ 3× our append",
    ratio("append-8-concurrent", "living-reports", "append", "living-reports"),
    3,
  );
  vs(
    "lock-uncontended ≥ 2× proper-lockfile",
    ratio("lock-uncontended", "living-reports", "lock-uncontended", "proper-lockfile"),
    2,
  );
  const handoff = row("lock-handoff-inprocess", "living-reports")?.p50Us;
  checks.push({
    target: "in-process hand-off p50 < 100 µs",
    measured: handoff === undefined ? "not measured" : `${handoff} µs`,
    holds: handoff === undefined ? undefined : handoff < 100,
  });
  const fsyncs = row("update", "living-reports")?.fsyncsPerOp;
  checks.push({
    target: `update fsyncsPerOp ≤ ${UPDATE_FSYNC_BUDGET} (the design's budget)`,
    measured: fsyncs === undefined || fsyncs === null ? "not measured" : String(fsyncs),
    holds: fsyncs === undefined || fsyncs === null ? undefined : fsyncs <= UPDATE_FSYNC_BUDGET,
  });
  return checks;
}
