import type { DiskModel } from "../explorer/crashableDisk.js";
import type { CrashFailure } from "../explorer/crashFailure.js";
import { exploreCrashes } from "../explorer/exploreCrashes.js";
import type { Mutant } from "./standardMutants.js";

/** The verdict on one mutant. */
export interface MutantResult {
  readonly name: string;
  /** A violation was found that the control run does not show. */
  readonly caught: boolean;
  /** Crash states explored on the mutant. */
  readonly states: number;
  /** The smallest violating state that told the mutant apart, when caught. */
  readonly failure?: CrashFailure;
}

/** Options of {@link runMutant}. */
export interface MutantRunOptions<TSnapshot> {
  readonly disks: DiskModel<TSnapshot>;
  /** Crash states to explore on the mutant (and on its control) at most (default 3000). */
  readonly states?: number;
  readonly seed?: number;
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
    mode: mutant.mode,
    seed: options.seed ?? 0,
    states: options.states ?? 3000,
    maxFailures: 1000,
  };
  const control = mutant.control ?? { workload: mutant.workload, checker: mutant.checker };
  const known = new Set(
    (await exploreCrashes(control.workload, control.checker, base)).failures.flatMap((f) => f.violations.map(signature)),
  );
  const run = await exploreCrashes(mutant.workload, mutant.checker, {
    ...base,
    maxFailures: 25,
    ...(mutant.wrapBackend === undefined ? {} : { wrapBackend: mutant.wrapBackend }),
  });
  const failure = run.failures.find((f) => f.violations.some((v) => !known.has(signature(v))));
  return failure === undefined
    ? { name: mutant.name, caught: false, states: run.states }
    : { name: mutant.name, caught: true, states: run.states, failure };
}

/** A violation with ids, hashes and numbers blanked out, to compare kinds of violations. */
export function signature(violation: string): string {
  return violation
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "<id>")
    .replace(/[0-9a-f]{16,}/g, "<hex>")
    .replace(/\d+/g, "<n>");
}
