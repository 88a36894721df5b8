import { describe, expect, it } from "vitest";
import { formatModelStats, newModelStats } from "../model/modelStats.js";
import { modelRunOptions, runModelBased } from "../model/runModelBased.js";
import type { ConformanceTarget } from "./target.js";
import { titleOf } from "./withRoot.js";

/** Per run, at most: a few crashes and reopens (real lock-stale waits on node-fs) and shrinking. */
const MS_PER_RUN = 15_000;

/**
 * Registers the model-based test of the store (fast-check `commands`): random sequences of
 * every store operation, reads, crashes (power loss on memfs, process death elsewhere) and
 * injected faults run against a fresh store and a model of it, which must agree after every
 * command (G2, G3, G5, G6), with `verify()` clean after each recovery. Runs and seed come from
 * `LR_MODEL_RUNS` and `LR_MODEL_SEED`; what was explored is logged.
 */
export function describeModelBased(target: ConformanceTarget): void {
  describe(titleOf(target, "store: model-based"), () => {
    const options = modelRunOptions();
    it(
      `random operations, crashes and faults keep the store equal to its model (${options.numRuns} runs, seed ${options.seed})`,
      async () => {
        const stats = newModelStats();
        try {
          await runModelBased(target, options, stats);
        } finally {
          console.log(formatModelStats(target.name, options.seed, stats));
        }
        expect(stats.runs).toBeGreaterThanOrEqual(options.numRuns);
      },
      options.numRuns * MS_PER_RUN,
    );
  });
}
