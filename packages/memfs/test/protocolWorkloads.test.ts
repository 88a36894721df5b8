import { CRASH_MODES } from "@living-reports/core";
import { exploreCrashes, protocolWorkloads } from "@living-reports/testkit";
import { describe, expect, it } from "vitest";
import { memfsDisks as disks } from "../src/index.js";

const STATES = Number(process.env.LR_PROTOCOL_STATES ?? 1000);

describe("crash explorer on memfs: the log protocol's workloads", () => {
  for (const mode of CRASH_MODES) {
    for (const { workload, checker } of protocolWorkloads()) {
      it(`${workload.name}, ${mode}`, { timeout: 900_000 }, async () => {
        const result = await exploreCrashes(workload, checker, { disks, mode, seed: 1, states: STATES });
        console.log(
          `crash explorer memfs ${workload.name} ${mode}: ${result.states} distinct states ` +
            `(${result.stoppedBy}, ${result.rounds} rounds), ${result.violations} violations, ${result.elapsedMs} ms`,
        );
        expect(result.failures[0], JSON.stringify(result.failures[0], null, 2)).toBeUndefined();
      });
    }
  }
});
