import type { Measurement } from "../measurement.js";
import type { Contender, Workload } from "../names.js";
import { concurrent, sequential, type Trial, type TrialContext } from "../trials/trialContext.js";
import { loadEngine, type UpdateEngine } from "./engine.js";
import { inProcesses } from "./processes.js";

/** The update workloads of issue 11 (and issue 6's `update`), generic over the update engine. */
export const UPDATE_WORKLOADS = [
  "update",
  "update-100-reports",
  "update-8-concurrent",
  "update-8-processes",
  "update-history-10",
  "update-history-1000",
] as const satisfies readonly Workload[];

/** An update workload. */
export type UpdateWorkload = (typeof UPDATE_WORKLOADS)[number];

/** True when `workload` is an update workload. */
export function isUpdateWorkload(workload: Workload): workload is UpdateWorkload {
  return (UPDATE_WORKLOADS as readonly Workload[]).includes(workload);
}

/** Reports `update-100-reports` writes in turn. */
export const ROUND_ROBIN_REPORTS = 100;
/** Writers of `update-8-concurrent` (in one process) and `update-8-processes` (one each). */
export const WRITERS = 8;
/** Audit events a report has when the measured updates of `update-history-N` begin (N). */
export const HISTORY: Partial<Record<UpdateWorkload, number>> = {
  "update-history-10": 10,
  "update-history-1000": 1000,
};

/**
 * The trial of `workload` for `contender`, whose engine (engine.ts) it loads in the worker:
 * - `update`: one report, updated in a loop;
 * - `update-100-reports`: 100 reports, updated in turn (round robin);
 * - `update-8-concurrent`: 8 reports in one process, 8 loops at once, each on its own report;
 * - `update-8-processes`: 8 processes, each updating its own report of the one store;
 * - `update-history-N`: one report whose audit log holds N events when the clock starts
 *   (made by N − 1 updates after its creation, unmeasured).
 */
export function updateTrial(workload: UpdateWorkload, contender: Contender): Trial {
  return async (ctx) => runUpdateWorkload(workload, await loadEngine(contender), contender, ctx);
}

/**
 * Runs `workload` on `engine` in the trial folder of `ctx` (see {@link updateTrial});
 * `update-8-processes` forks writers that load the engine of `contender` themselves.
 */
export async function runUpdateWorkload(
  workload: UpdateWorkload,
  engine: UpdateEngine,
  contender: Contender,
  ctx: TrialContext,
): Promise<Measurement> {
  await engine.prepare(ctx.dir);
  try {
    if (workload === "update-8-processes") return await inProcesses(ctx, WRITERS, contender);
    const session = await engine.open(ctx.dir);
    try {
      if (workload === "update-100-reports") {
        for (let r = 0; r < ROUND_ROBIN_REPORTS; r++) await session.create();
        return await sequential(ctx, (i) => session.update(i % ROUND_ROBIN_REPORTS, i));
      }
      if (workload === "update-8-concurrent") {
        for (let r = 0; r < WRITERS; r++) await session.create();
        return await concurrent(ctx, WRITERS, (w, i) => session.update(w, i));
      }
      const report = await session.create();
      const prior = (HISTORY[workload] ?? 1) - 1;
      for (let k = 0; k < prior; k++) await session.update(report, -1 - k);
      return await sequential(ctx, (i) => session.update(report, i));
    } finally {
      await session.close();
    }
  } finally {
    await engine.dispose?.(ctx.dir);
  }
}
