import { afterAll, describe, expect, it } from "vitest";
import { PAUSE_WHEN, preparePauseSweep } from "../src/pause/runPause.js";

// Issue 11 item 5 (fencing) and issue 14 item 2(c), with real processes: a writer stopped with
// SIGSTOP right before and right after each mutating call of its update, past its stale time,
// while another writer updates the same report. Each (step, variant) is its own test; the dry
// run at collection counts the steps. The stop is seen in /proc/<pid>/stat: Linux only.
const linux = process.platform === "linux";
const bench = linux ? await preparePauseSweep() : undefined;
const steps = bench?.steps ?? [];
afterAll(() => bench?.dispose());

describe.skipIf(!linux)(
  `reliability: a writer paused past its stale time at each step of its update (node-fs)${linux ? "" : " [skipped: needs Linux, reads /proc/<pid>/stat to see the writer stopped]"}`,
  () => {
    it("dry run: the update resolves without a stop, and has steps to stop at", () => {
      expect(bench?.dryRunProblems).toEqual([]);
      expect(steps.length).toBeGreaterThan(0);
    });

    for (const [i, step] of steps.entries())
      for (const when of PAUSE_WHEN)
        it(`k=${i + 1} ${when} ${step}: the writer resolves or fails LOCK_COMPROMISED, the other's update and the chain hold`, async () => {
          const c = await bench!.runCase(i + 1, when);
          expect(c.problems, `paused writer: ${c.paused}; other writer: ${c.other}`).toEqual([]);
        }, 60_000);
  },
);
