import {
  type CrashcheckReport,
  parseCrashcheckArgs,
  protocolWorkloads,
  runCrashcheck,
  runCrashcheckJob,
  standardWorkloads,
} from "@living-reports/testkit";
import { describe, expect, it } from "vitest";
import { memfsDisks as disks } from "../src/index.js";

/**
 * `crashcheck --workloads` (the `npm run crashcheck` CLI, docs/CRASH-TESTING.md): which workloads
 * a run explores, and that each one's distinct states are counted like the others'. Small budgets:
 * what is asserted is which workloads ran, not how much of their space.
 */
const names = (list: ReturnType<typeof standardWorkloads>) => list.map((w) => w.workload.name);
const STANDARD = names(standardWorkloads());
const PROTOCOL = names(protocolWorkloads());

async function crashcheck(argv: readonly string[]): Promise<{ code: number; report: CrashcheckReport }> {
  let printed = "";
  const code = await runCrashcheck(parseCrashcheckArgs(["--json", ...argv]), {
    disks,
    stdout: (text) => {
      printed += text;
    },
  });
  return { code, report: JSON.parse(printed) as CrashcheckReport };
}

describe("crashcheck --workloads", () => {
  it("by default explores the standard workloads and then the log protocol's, each its share", {
    timeout: 300_000,
  }, async () => {
    const { code, report } = await crashcheck(["--states", String(3 * (STANDARD.length + PROTOCOL.length))]);
    expect(code).toBe(0);
    expect(report.workloads.map((w) => w.name)).toEqual([...STANDARD, ...PROTOCOL]);
    for (const w of report.workloads) {
      // 3 each; none of these workloads has fewer than 3 distinct crash states.
      expect(w, w.name).toMatchObject({ states: 3, checks: 3, violations: 0 });
    }
    expect(report.states).toBe(3 * report.workloads.length);
  });

  it("protocol: only the log protocol's workloads, 5 crash states of each", {
    timeout: 300_000,
  }, async () => {
    const { code, report } = await crashcheck([
      "--workloads",
      "protocol",
      "--states",
      "30",
      "--mode",
      "drop",
    ]);
    expect(code).toBe(0);
    expect(report.workloads.map((w) => w.name)).toEqual(PROTOCOL);
    expect(report.workloads.every((w) => w.states === 5 && w.checks === 5)).toBe(true);
    expect(report.states).toBe(30);
  });

  it("standard: the standard workloads only", { timeout: 300_000 }, async () => {
    const { report } = await crashcheck(["--workloads=standard", "--states", "5"]);
    expect(report.workloads.map((w) => w.name)).toEqual(STANDARD);
  });

  it("a job names its set, so a worker given no list explores the same workload", {
    timeout: 300_000,
  }, async () => {
    const index = PROTOCOL.indexOf("lease-fenced");
    const job = {
      workload: index,
      name: "lease-fenced",
      set: "protocol",
      states: 4,
      mode: "prefix",
      seed: 0,
    } as const;
    const result = await runCrashcheckJob({ ...job, backend: "memfs" }, { disks });
    expect(result).toMatchObject({ workload: "lease-fenced", states: 4, violations: 0 });
    // A worker whose list differs from the caller's refuses the job instead of exploring another.
    await expect(runCrashcheckJob({ ...job, set: "standard", backend: "memfs" }, { disks })).rejects.toThrow(
      /not the caller's list|no workload/,
    );
  });

  it("refuses an unknown set, a set with --mutants, and a set as well as a list", async () => {
    expect(() => parseCrashcheckArgs(["--workloads", "every"])).toThrow(/standard, protocol, all/);
    const io = { disks, stdout: () => undefined };
    await expect(runCrashcheck({ workloads: "protocol", mutants: true }, io)).rejects.toThrow(/--mutants/);
    await expect(
      runCrashcheck({ workloads: "protocol" }, { ...io, workloads: standardWorkloads() }),
    ).rejects.toThrow(/given twice/);
  });
});
