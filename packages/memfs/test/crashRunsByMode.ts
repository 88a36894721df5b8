import type { CrashMode } from "@living-reports/core";
import { type CheckedWorkload, type ExploreResult, exploreCrashes } from "@living-reports/testkit";
import { expect, it } from "vitest";
import { memfsDisks as disks } from "../src/index.js";

/**
 * How CI's crash runs split a budget over the modes (crashExplorer.test.ts for the standard
 * workloads, protocolWorkloads.test.ts for the log protocol's), in the order they run.
 */
export const MODE_SHARE: Readonly<Record<CrashMode, number>> = {
  prefix: 0.4,
  torn: 0.3,
  reorder: 0.2,
  drop: 0.1,
};

/** What {@link crashRunsByMode} explores, and how much. */
export interface CrashRunsSpec {
  readonly workloads: readonly CheckedWorkload[];
  /** Distinct crash states over every mode: each mode's share, split evenly over the workloads. */
  readonly total: number;
  /** The least one run (a workload in a mode) gets, however small `total` is. */
  readonly floor: number;
  /** Rounds per run at most; absent, the explorer's own default. */
  readonly maxRounds?: number;
  /**
   * What the violations of a core bug still open in this workload and mode say, if there is
   * one: that run stops at its first violating state and asserts the bug shows instead, so that
   * fixing it turns the test red until the entry is removed.
   */
  readonly openBug?: (workload: string, mode: CrashMode) => RegExp | undefined;
  /** Called with each run's result (e.g. to total the distinct states). */
  readonly onResult?: (result: ExploreResult) => void;
}

/**
 * Declares one test per mode and workload (call it inside a `describe`): the workload explored
 * on memfs with seed 1 and its share of the budget, no violation, every state checked once, and
 * the whole share spent unless the run stopped first for a reason it reports (its space
 * exhausted, rounds that stopped finding new states, or `maxRounds`). Each run's counts are
 * logged (`crash explorer memfs <workload> <mode>: N distinct states …`).
 */
export function crashRunsByMode(spec: CrashRunsSpec): void {
  const stopsShort: ExploreResult["stoppedBy"][] = ["exhausted", "idle"];
  if (spec.maxRounds !== undefined) stopsShort.push("maxRounds");
  for (const mode of Object.keys(MODE_SHARE) as CrashMode[]) {
    const perWorkload = Math.max(
      spec.floor,
      Math.floor((spec.total * MODE_SHARE[mode]) / spec.workloads.length),
    );
    for (const { workload, checker } of spec.workloads) {
      const bug = spec.openBug?.(workload.name, mode);
      const expected = bug === undefined ? "no violation" : "the open core bug shows";
      it(`${workload.name}, ${mode}: ${perWorkload} crash states, ${expected}`, {
        timeout: 900_000,
      }, async () => {
        const result = await exploreCrashes(workload, checker, {
          disks,
          mode,
          seed: 1,
          states: perWorkload,
          ...(spec.maxRounds === undefined ? {} : { maxRounds: spec.maxRounds }),
          // An open bug needs only its first violating state.
          ...(bug === undefined ? {} : { stopAfter: 1 }),
        });
        spec.onResult?.(result);
        console.log(
          `crash explorer memfs ${workload.name} ${mode}: ${result.states} distinct states ` +
            `(${result.stoppedBy}, ${result.rounds} rounds), ${result.violations} violations, ` +
            `${Math.round(result.elapsedMs)} ms, ${Math.round((result.states / result.elapsedMs) * 1000)} states/s`,
        );
        if (bug !== undefined) {
          const first = result.failures[0]?.violations ?? [];
          expect(first.length).toBeGreaterThan(0);
          for (const line of first) expect(line).toMatch(bug);
          return;
        }
        expect(result.failures[0], JSON.stringify(result.failures[0], null, 2)).toBeUndefined();
        // The whole share, unless the run stopped short for a reason it reports.
        if (result.stoppedBy === "budget") expect(result.states).toBe(perWorkload);
        else expect(stopsShort).toContain(result.stoppedBy);
        expect(result.checks).toBe(result.states);
      });
    }
  }
}
