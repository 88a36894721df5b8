import { type CrashMode, parseAuditLog } from "@living-reports/core";
import {
  emptyCensus,
  exploreCrashes,
  materialisationCensus,
  protocolWorkloads,
  standardWorkloads,
} from "@living-reports/testkit";
import { describe, expect, it } from "vitest";
import { memfsDisks as disks } from "../src/index.js";
import { crashRunsByMode } from "./crashRunsByMode.js";

/**
 * The CI crash run of the log protocol's workloads (issue 11): each in every crash mode, no
 * violation. Their budget is 6% of the standard workloads' (`LR_CRASH_STATES`, default 100,000),
 * split over the modes as crashExplorer.test.ts splits it, then over the 6 workloads: 400
 * distinct states per workload in `prefix`, 300 in `torn`, 200 in `reorder`, 100 in `drop`
 * (fewer when a workload's whole space is explored first).
 */
const TOTAL = Number(process.env.LR_CRASH_STATES ?? 100_000);
const PROTOCOL_TOTAL = Math.max(40, Math.floor(TOTAL * 0.06));

/**
 * Core bugs these workloads found that are still open: the modes that show them and what their
 * violations say. There the test asserts the bug (a violation, each line of the first violating
 * state one of the bug's), so that fixing it turns the test red until the entry is removed. See
 * docs/CRASH-TESTING.md, "The log protocol's workloads".
 */
const OPEN_BUGS: Readonly<Record<string, { modes: readonly CrashMode[]; says: RegExp }>> = {
  // None open. Fixed: "manual-edit-in-place" (a manual edit written without fsync was recorded
  // without syncing it first: recovery now syncs the edited file and its folder before the event).
};
const workloads = protocolWorkloads();

describe("crash explorer on memfs: the log protocol's workloads in every mode", () => {
  // Each mode's share (MODE_SHARE) split over the workloads, at least 10 states each.
  crashRunsByMode({
    workloads,
    total: PROTOCOL_TOTAL,
    floor: 10,
    openBug: (name, mode) => {
      const bug = OPEN_BUGS[name];
      return bug?.modes.includes(mode) === true ? bug.says : undefined;
    },
  });
});

describe("crash explorer on memfs: crashes between an update's flush and its files", () => {
  it("evolve reaches states with outline.json torn or behind, the backup missing or torn, the index line missing, and recovery mends them", {
    timeout: 600_000,
  }, async () => {
    const evolve = standardWorkloads().find((w) => w.workload.name === "evolve");
    if (evolve === undefined) throw new Error("no evolve workload");
    const census = emptyCensus();
    const result = await exploreCrashes(
      evolve.workload,
      materialisationCensus(census, { backupRetention: 3 }),
      {
        disks,
        mode: "torn",
        seed: 1,
        states: Math.min(500, Math.max(100, Math.floor(TOTAL / 200))),
      },
    );
    console.log(`materialisation census, evolve torn: ${JSON.stringify(census)}`);
    expect(result.violations).toBe(0);
    expect(census.states).toBe(result.states);
    for (const count of [
      "outlineTorn",
      "outlineBehind",
      "backupMissing",
      "backupTorn",
      "indexBehind",
    ] as const) {
      expect(census[count], count).toBeGreaterThan(0);
    }
    expect(census.mended.rolled_forward_commit ?? 0).toBeGreaterThan(0);
    expect(census.mended.restored_backup ?? 0).toBeGreaterThan(0);
  });
});

describe("the log protocol's workloads do what they say", () => {
  /** The labels of the steps the explorer showed the checker, with the error of each that failed. */
  async function stepsSeen(name: string, states: number): Promise<Map<string, string | undefined>> {
    const found = workloads.find((w) => w.workload.name === name);
    if (found === undefined) throw new Error(`no ${name} workload`);
    const seen = new Map<string, string | undefined>();
    await exploreCrashes(
      found.workload,
      async (ctx) => {
        for (const s of [...ctx.acked, ...ctx.inFlight]) seen.set(s.label, s.error);
        return [];
      },
      { disks, mode: "drop", seed: 1, states },
    );
    return seen;
  }

  // Each workload also checks itself while it is recorded (a recording that throws fails the
  // run): lease-* that A's first three commits took the lock once, lease-fenced that the fenced
  // write was not acknowledged, index-compaction that the index was compacted during the two
  // stores' updates.
  it("lease-fenced's paused write fails with LOCK_COMPROMISED, its record is in the log, and A commits after it", {
    timeout: 300_000,
  }, async () => {
    const fenced = workloads.find((w) => w.workload.name === "lease-fenced");
    if (fenced === undefined) throw new Error("no lease-fenced workload");
    let withFencedRecord = 0;
    const result = await exploreCrashes(
      fenced.workload,
      async (ctx) => {
        for (const id of await ctx.backend.readdir("by_id")) {
          const log = await ctx.backend.readFile(`by_id/${id}/audit.jsonl`);
          if (parseAuditLog(log).fenced.length > 0) withFencedRecord += 1;
        }
        return await fenced.checker(ctx);
      },
      { disks, mode: "prefix", seed: 1, states: 150 },
    );
    expect(result.violations).toBe(0);
    expect(withFencedRecord).toBeGreaterThan(0);
    const seen = await stepsSeen("lease-fenced", 100);
    expect(seen.get("a tags, fenced out")).toBe("LOCK_COMPROMISED");
    expect(seen.has("b renames")).toBe(true);
    expect(seen.get("a archives")).toBeUndefined();
    expect(seen.has("a archives")).toBe(true);
  });

  it("index-compaction rebuilds the index after the clean close, and commits after it", {
    timeout: 300_000,
  }, async () => {
    const seen = await stepsSeen("index-compaction", 100);
    expect(seen.has("c rebuilds the index")).toBe(true);
    expect(seen.has("c renames after the rebuild")).toBe(true);
  });
});
