import type { CrashMode } from "@living-reports/core";
import type { DiskModel } from "../explorer/crashableDisk.js";
import type { CrashFailure } from "../explorer/crashFailure.js";
import { exploreCrashes } from "../explorer/exploreCrashes.js";
import { signature } from "../explorer/violationSignature.js";
import type { Mutant } from "./standardMutants.js";

/** The verdict on one mutant. */
export interface MutantResult {
  readonly name: string;
  /** A violation was found that the control run does not show. */
  readonly caught: boolean;
  /** The crash mode explored. */
  readonly mode: CrashMode;
  /** Crash states explored on the mutant. */
  readonly states: number;
  /** The smallest violating state kept that told the mutant apart, when caught. */
  readonly failure?: CrashFailure;
}

/** Options of {@link runMutant}. */
export interface MutantRunOptions<TSnapshot> {
  readonly disks: DiskModel<TSnapshot>;
  /** Crash states to explore on the mutant (and on its control) at most (default 3000). */
  readonly states?: number;
  readonly seed?: number;
  /** The crash mode to explore in (default the mutant's own `mode`, the one that must catch it). */
  readonly mode?: CrashMode;
  /**
   * Control verdicts to share between runs (pass the same `Map` to each): mutants whose control
   * workload has the same name, explored in the same mode, seed and budget, explore it once. The
   * control's checker must then be the same too (as it is for the standard mutants).
   */
  readonly controls?: Map<string, Promise<readonly string[]>>;
}

/**
 * Explores `mutant` and its control with the same mode, seed and budget, and says whether some
 * violation of the mutant is new, i.e. has a signature (ids and numbers blanked out) that no
 * violation of the control has. Comparing with the control keeps a real bug of the code under
 * test (present in both runs) from passing for a caught mutant.
 */
export async function runMutant<TSnapshot>(
  mutant: Mutant,
  options: MutantRunOptions<TSnapshot>,
): Promise<MutantResult> {
  const base = {
    disks: options.disks,
    mode: options.mode ?? mutant.mode,
    seed: options.seed ?? 0,
    states: options.states ?? 3000,
  };
  const control = mutant.control ?? { workload: mutant.workload, checker: mutant.checker };
  const key = `${control.workload.name}|${base.mode}|${base.seed}|${base.states}`;
  let kinds = options.controls?.get(key);
  if (kinds === undefined) {
    kinds = exploreCrashes(control.workload, control.checker, base).then((r) => r.kinds);
    options.controls?.set(key, kinds);
  }
  const known = new Set(await kinds);
  const run = await exploreCrashes(mutant.workload, mutant.checker, {
    ...base,
    maxFailures: 25,
    stopAfter: 25,
    ...(mutant.wrapBackend === undefined ? {} : { wrapBackend: mutant.wrapBackend }),
  });
  const caught = run.kinds.some((kind) => !known.has(kind));
  const failure = run.failures.find((f) => f.violations.some((v) => !known.has(signature(v))));
  const result = { name: mutant.name, caught, mode: base.mode, states: run.states };
  return failure === undefined ? result : { ...result, failure };
}
