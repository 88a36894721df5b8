import { type Contender, WORKLOADS, type Workload } from "./names.js";
import type { BenchOptions } from "./options.js";
import { shuffled } from "./stats.js";
import { INDEX_REPORTS, REBUILD_REPORTS } from "./trials/indexWorkloads.js";
import { NODE_CONTENDERS, SEED_WORKLOADS } from "./trials/registry.js";

/** One (workload, contender) pair to run each round, with its operation counts. */
export interface Cell {
  workload: Workload;
  contender: Contender;
  ops: number;
  warmup: number;
  /** The shared store the trial works on (the large-store workloads), made once per run. */
  fixture?: string;
}

/** Reports in the shared store fixture of each workload that needs one. */
export const FIXTURE_REPORTS: Partial<Record<Workload, number>> = {
  "index-update-10k": INDEX_REPORTS,
  "rebuild-100k": REBUILD_REPORTS,
};

/** Measured operations per trial: [quick, full]. Sized so a trial takes well under a second. */
const OPS: Record<Workload, [number, number]> = {
  "replace-4k": [100, 1000],
  "replace-64k": [60, 500],
  append: [200, 2000],
  "append-8-concurrent": [400, 4000],
  update: [60, 600],
  "update-100-reports": [100, 1000],
  "update-8-concurrent": [160, 1200],
  "update-8-processes": [160, 1200],
  "update-history-10": [60, 600],
  "update-history-1000": [60, 600],
  "lock-uncontended": [200, 2000],
  "lock-handoff-inprocess": [40, 300],
  "lock-handoff-crossprocess": [20, 200],
  "index-update-10k": [50, 500],
  "rebuild-100k": [1, 1],
};

/**
 * Warm-up operations where a tenth of the measured ones is not what the workload needs: one pass
 * over the 100 reports, so that every report has been written by the process before the clock starts.
 */
const WARMUP: Partial<Record<Workload, number>> = { "update-100-reports": 100 };

/** proper-lockfile's default retry waits about a second per hand-off: one per round shows it in quick mode. */
const SLOW_HANDOFFS: [number, number] = [1, 5];

/**
 * The cells of a run: every workload of the mode (`rebuild-100k` only in full mode) × every
 * contender that implements it, except the contenders in `unavailable` (seed-python without
 * python3 and the seed, a database peer that does not load).
 */
export function planCells(options: BenchOptions, unavailable: ReadonlySet<Contender>): Cell[] {
  const mode = options.quick ? 0 : 1;
  const workloads = options.workloads ?? WORKLOADS.filter((w) => !(options.quick && w === "rebuild-100k"));
  const cells: Cell[] = [];
  for (const workload of workloads) {
    const contenders = [...NODE_CONTENDERS[workload]];
    if (SEED_WORKLOADS.includes(workload)) contenders.push("seed-python");
    for (const contender of contenders) {
      if (unavailable.has(contender)) continue;
      if (options.contenders !== undefined && !options.contenders.includes(contender)) continue;
      const slow = contender === "proper-lockfile" && workload.startsWith("lock-handoff");
      const ops = (slow ? SLOW_HANDOFFS : OPS[workload])[mode];
      const warmup =
        workload === "rebuild-100k" || slow ? 0 : (WARMUP[workload] ?? Math.max(2, Math.round(ops / 10)));
      cells.push({ workload, contender, ops, warmup });
    }
  }
  return cells;
}

/**
 * The family a workload's trials are run with: the `update*` workloads together, the `append*`
 * ones together, every other workload alone. Targets compare workloads of one family.
 */
export function familyOf(workload: Workload): string {
  const dash = workload.indexOf("-");
  const head = dash < 0 ? workload : workload.slice(0, dash);
  return head === "update" || head === "append" ? head : workload;
}

/**
 * One round's order: the families shuffled, the workloads of each family shuffled and run back to
 * back, and each workload's contenders shuffled and run back to back, so that the trials a ratio
 * compares run seconds apart (a burst of load from elsewhere then hits both or neither).
 */
export function roundOrder(cells: readonly Cell[], random: () => number): Cell[] {
  const families = shuffled([...new Set(cells.map((c) => familyOf(c.workload)))], random);
  return families.flatMap((family) => {
    const workloads = shuffled(
      [...new Set(cells.filter((c) => familyOf(c.workload) === family).map((c) => c.workload))],
      random,
    );
    return workloads.flatMap((w) =>
      shuffled(
        cells.filter((c) => c.workload === w),
        random,
      ),
    );
  });
}
