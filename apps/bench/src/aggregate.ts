import type { Measurement } from "./measurement.js";
import { CONTENDERS, type Contender, WORKLOADS, type Workload } from "./names.js";
import { median, quantile } from "./stats.js";

/** One row of `results/latest.json` (issue 6's shape). */
export interface ResultRow {
  workload: Workload;
  contender: Contender;
  /** Median over rounds of operations per second (hand-offs: 1 / mean hand-off latency). */
  opsPerSec: number;
  /** Median over rounds of each round's median latency (µs). */
  p50Us: number;
  /** Median over rounds of each round's 99th percentile latency (µs). */
  p99Us: number;
  /** fsync + fdatasync calls per operation, counted by strace (null when strace was not run). */
  fsyncsPerOp: number | null;
  /** Rounds measured. */
  rounds: number;
}

/** One round's summary of one cell. */
export interface RoundSample {
  round: number;
  opsPerSec: number;
  p50Us: number;
  p99Us: number;
  /** fsync + fdatasync per operation as the process counted them (undefined if it could not). */
  fsyncsPerOp: number | undefined;
  /** The median and the largest fsync count of one operation (one-at-a-time trials that counted). */
  fsyncsEach: { median: number; max: number } | undefined;
}

/** Summarises one measurement. */
export function summarize(round: number, m: Measurement): RoundSample {
  return {
    round,
    opsPerSec: m.ops / (m.elapsedMs / 1000),
    p50Us: quantile(m.latenciesUs, 0.5),
    p99Us: quantile(m.latenciesUs, 0.99),
    fsyncsPerOp: m.fsyncs === undefined ? undefined : m.fsyncs / m.ops,
    fsyncsEach:
      m.fsyncsEach === undefined || m.fsyncsEach.length === 0
        ? undefined
        : { median: median(m.fsyncsEach), max: Math.max(...m.fsyncsEach) },
  };
}

/** `workload/contender`, the key samples are kept under. */
export function cellKey(workload: Workload, contender: Contender): string {
  return `${workload}/${contender}`;
}

/**
 * The rows of every cell with samples, in workload then contender order. fsyncs per operation
 * come from `straced` (the strace pass) when it has the cell, else the median of the rounds'
 * in-process counts.
 */
export function resultRows(samples: Map<string, RoundSample[]>, straced: Map<string, number>): ResultRow[] {
  const rows: ResultRow[] = [];
  for (const workload of WORKLOADS) {
    for (const contender of CONTENDERS) {
      const key = cellKey(workload, contender);
      const s = samples.get(key);
      if (s === undefined || s.length === 0) continue;
      rows.push({
        workload,
        contender,
        opsPerSec: round(median(s.map((x) => x.opsPerSec)), 1),
        p50Us: round(median(s.map((x) => x.p50Us)), 1),
        p99Us: round(median(s.map((x) => x.p99Us)), 1),
        fsyncsPerOp: fsyncsOf(s, straced.get(key)),
        rounds: s.length,
      });
    }
  }
  return rows;
}

/**
 * The median over rounds of `a`'s ops/s divided by `b`'s in the same round (rounds where either
 * is missing are skipped); NaN when no round has both.
 */
export function roundRatio(samples: Map<string, RoundSample[]>, a: string, b: string): number {
  const bs = new Map((samples.get(b) ?? []).map((s) => [s.round, s.opsPerSec]));
  const ratios = (samples.get(a) ?? []).flatMap((s) => {
    const other = bs.get(s.round);
    return other === undefined ? [] : [s.opsPerSec / other];
  });
  return median(ratios);
}

function fsyncsOf(s: RoundSample[], straced: number | undefined): number | null {
  if (straced !== undefined) return round(straced, 2);
  const counted = s.flatMap((x) => (x.fsyncsPerOp === undefined ? [] : [x.fsyncsPerOp]));
  return counted.length === 0 ? null : round(median(counted), 2);
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
