import { cellKey, type ResultRow, type RoundSample, roundRatio } from "./aggregate.js";
import type { TargetCheck } from "./targets.js";

/** What the run ran on, printed above the table. */
export interface MachineInfo {
  cpu: string;
  cores: number;
  node: string;
  kernel: string;
  filesystem: string;
  dir: string;
  rounds: number;
  mode: "quick" | "full";
  seed: number;
  /** The 1-minute load average at the start and at the end of the run (other work on the machine). */
  load: [number, number];
}

/**
 * The markdown report of a run: the machine, one table row per (workload, contender) with its
 * ops/s relative to living-reports in the same rounds, the targets, and the notes (skips).
 */
export function markdownReport(
  machine: MachineInfo,
  rows: ResultRow[],
  samples: Map<string, RoundSample[]>,
  targets: TargetCheck[],
  notes: string[],
): string {
  const out: string[] = [];
  out.push(
    `Run: ${machine.mode}, ${machine.rounds} rounds (seed ${machine.seed}); ${machine.cpu} × ${machine.cores}, ` +
      `Node ${machine.node}, Linux ${machine.kernel}, ${machine.filesystem} (${machine.dir}); ` +
      `load average ${machine.load[0].toFixed(1)} at the start, ${machine.load[1].toFixed(1)} at the end`,
    "",
    "| workload | contender | ops/s | p50 µs | p99 µs | fsyncs/op | vs living-reports |",
    "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
  );
  for (const r of rows) {
    const ours = cellKey(r.workload, "living-reports");
    const rel =
      r.contender === "living-reports"
        ? "1.00×"
        : `${roundRatio(samples, cellKey(r.workload, r.contender), ours).toFixed(2)}×`;
    out.push(
      `| ${r.workload} | ${r.contender} | ${fmt(r.opsPerSec)} | ${fmt(r.p50Us)} | ${fmt(r.p99Us)} | ${r.fsyncsPerOp ?? "–"} | ${rel} |`,
    );
  }
  out.push("", "| target | measured | holds |", "| --- | --- | --- |");
  for (const t of targets) {
    out.push(
      `| ${t.target} | ${t.measured} | ${t.holds === undefined ? "n/a" : t.holds ? "yes" : "**no**"} |`,
    );
  }
  if (notes.length > 0) out.push("", ...notes.map((n) => `Note: ${n}`));
  return `${out.join("\n")}\n`;
}

function fmt(n: number): string {
  if (!Number.isFinite(n)) return "–";
  return n >= 100 ? Math.round(n).toLocaleString("en-US") : n.toFixed(1);
}
