import fc from "fast-check";
import type { ConformanceTarget } from "../conformance/target.js";
import { withRoot } from "../conformance/withRoot.js";
import { storeCommands } from "./commandArbitraries.js";
import { assertVerifies } from "./invariants.js";
import { EMPTY_STATE, type StoreModel } from "./modelState.js";
import { type ModelStats, newModelStats } from "./modelStats.js";
import { type RealSystem, startSystem } from "./realSystem.js";

/** How much a model-based run explores. */
export interface ModelRunOptions {
  /** Command sequences to try (fast-check `numRuns`). */
  readonly numRuns: number;
  /** The seed: the same seed replays the same sequences. */
  readonly seed: number;
  /** The longest command sequence. */
  readonly maxCommands: number;
}

/** Default runs per backend: enough to cover every command, short enough for `npm test`. */
const DEFAULT_RUNS = 50;
const DEFAULT_SEED = 20_250_401;

/**
 * The options from the environment: `LR_MODEL_RUNS` (runs per backend, default 50) and
 * `LR_MODEL_SEED` (default a fixed seed, so a failure replays).
 *
 * @throws Error when a variable is set but is not a non-negative integer
 */
export function modelRunOptions(env: Record<string, string | undefined> = process.env): ModelRunOptions {
  return {
    numRuns: Math.max(1, integerFrom(env, "LR_MODEL_RUNS", DEFAULT_RUNS)),
    seed: integerFrom(env, "LR_MODEL_SEED", DEFAULT_SEED),
    maxCommands: 30,
  };
}

/**
 * Runs random command sequences against a fresh store on `target` (one fresh root per
 * sequence) and the model beside it, checking after every command that the store equals the
 * model, and `verify()` at the end. Shrinks a failing sequence to a minimal one.
 *
 * @param stats - receives what was explored (runs, commands, crashes, faults), shrinking
 *   included, also when the property fails
 * @returns `stats`
 * @throws the property failure: fast-check's report with the seed, the replay path and the
 *   shrunk command sequence
 */
export async function runModelBased(
  target: ConformanceTarget,
  options: ModelRunOptions,
  stats: ModelStats = newModelStats(),
): Promise<ModelStats> {
  const property = fc.asyncProperty(
    fc.commands(storeCommands(), { maxCommands: options.maxCommands, size: "max" }),
    async (commands) => {
      stats.runs += 1;
      await withRoot(target, async (root) => {
        const real = await startSystem(root, stats);
        await runThenClose(real, async () => {
          const model: StoreModel = { state: EMPTY_STATE };
          await fc.asyncModelRun(() => ({ model, real }), commands);
          await assertVerifies(real, "the last command");
        });
      });
    },
  );
  await fc.assert(property, { numRuns: options.numRuns, seed: options.seed });
  return stats;
}

/** Runs `fn`, then closes the current store; a close failure counts only when `fn` passed. */
async function runThenClose(real: RealSystem, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    await real.store.close().catch(() => {
      // The run already failed with `err`; a close error here would only hide it.
    });
    throw err;
  }
  await real.store.close();
}

function integerFrom(env: Record<string, string | undefined>, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0)
    throw new Error(`${name} must be a non-negative integer, got ${raw}`);
  return value;
}
