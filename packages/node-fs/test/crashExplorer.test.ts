import { memfsDisks as disks } from "@living-reports/memfs";
import { directoryMaterializer, exploreCrashes, standardWorkloads } from "@living-reports/testkit";
import { describe, expect, it } from "vitest";
import { nodeFsBackend } from "../src/index.js";

/**
 * The CI crash run on node-fs (issue 4): crash states recorded on memfs are copied into
 * temporary directories and recovered there by node-fs, at least 2,000 of them, zero violations.
 * `LR_CRASH_STATES` scales the count down for a quick local run (a fiftieth of it, min 40).
 */
const TOTAL =
  process.env.LR_CRASH_STATES === undefined
    ? 2000
    : Math.max(40, Math.floor(Number(process.env.LR_CRASH_STATES) / 50));

const materialize = directoryMaterializer((root) => nodeFsBackend({ root }));

describe("crash explorer on node-fs", () => {
  const workloads = standardWorkloads();
  const perWorkload = Math.ceil(TOTAL / workloads.length);
  for (const { workload, checker } of workloads) {
    it(`${workload.name}, torn: ${perWorkload} crash states recovered on node-fs, no violation`, {
      timeout: 900_000,
    }, async () => {
      const result = await exploreCrashes(workload, checker, {
        disks,
        mode: "torn",
        seed: 2,
        states: perWorkload,
        materialize,
      });
      console.log(
        `crash explorer node-fs ${workload.name} torn: ${result.states} states, ${result.violations} violations, ` +
          `${Math.round((result.states / result.elapsedMs) * 1000)} states/s`,
      );
      expect(result.failures[0], JSON.stringify(result.failures[0], null, 2)).toBeUndefined();
      // The whole share, unless the workload ran out of new states first.
      if (result.stoppedBy === "budget") expect(result.states).toBe(perWorkload);
      else expect(["exhausted", "idle"]).toContain(result.stoppedBy);
    });
  }
});
