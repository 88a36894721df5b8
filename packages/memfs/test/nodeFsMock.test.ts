import { CRASH_MODES } from "@living-reports/core";
import { type CrashChecker, exploreCrashes, type Workload } from "@living-reports/testkit";
import { beforeEach, describe, expect, it, vi } from "vitest";
import {
  createFsFromBackend,
  createFsFromDisk,
  createMemfsDisk,
  type FsFacade,
  type MemfsDisk,
  memfsDisks,
} from "../src/index.js";
import * as promiseSaver from "./fixtures/settingsPromises.js";
import * as syncSaver from "./fixtures/settingsSync.js";

/*
 * Unchanged code that imports node:fs and node:fs/promises (./fixtures), run on the simulated
 * disk through vi.mock and @living-reports/memfs/vitest, then crashed: the saver without fsyncs
 * loses an acknowledged save, the one with fsync + rename + directory fsync never does.
 */

let disk: MemfsDisk;
let fs: FsFacade;
// vi.mock is hoisted above the imports: the factory imports the helper itself.
vi.mock("node:fs", async () => (await import("../src/vitest.js")).mockNodeFs(() => fs));
vi.mock("node:fs/promises", async () => (await import("../src/vitest.js")).mockNodeFsPromises(() => fs));

const PATH = "/app/settings.json";

beforeEach(() => {
  disk = createMemfsDisk();
  fs = createFsFromDisk(disk);
  fs.mkdirSync("/app");
  const root = fs.openSync("/", "r");
  fs.fsyncSync(root);
  fs.closeSync(root);
});

/** What the file holds on the disk a crash leaves (seed by seed), `undefined` when absent. */
function afterCrash(mode: (typeof CRASH_MODES)[number], seed: number): unknown {
  const crashed = createFsFromDisk(disk.crash({ mode, seed }));
  if (!crashed.existsSync(PATH)) return undefined;
  try {
    return JSON.parse(crashed.readFileSync(PATH, "utf8"));
  } catch {
    return "garbage";
  }
}

const SAVERS = [
  [
    "node:fs sync",
    { save: async (p: string, s: object) => syncSaver.saveBuggy(p, s) },
    syncSaver.saveCorrect,
  ],
  ["node:fs/promises", { save: promiseSaver.saveBuggy }, promiseSaver.saveCorrect],
] as const;

describe.each(SAVERS)("a settings saver written with %s, unchanged", (_api, buggy, correct) => {
  it("the buggy one (temp + rename, no fsync) loses an acknowledged save at a power loss", async () => {
    await buggy.save(PATH, { theme: "dark" });
    expect(fs.readFileSync(PATH, "utf8")).toBe('{"theme":"dark"}');
    // Acknowledged, yet in mode drop nothing of it is left.
    expect(afterCrash("drop", 0)).toBeUndefined();
    const seen = new Set<string>();
    for (const mode of CRASH_MODES)
      for (let seed = 0; seed < 20; seed++) seen.add(JSON.stringify(afterCrash(mode, seed)));
    expect(seen.has(JSON.stringify({ theme: "dark" }))).toBe(true);
    expect([...seen].some((s) => s !== JSON.stringify({ theme: "dark" }))).toBe(true);
  });

  it("the correct one (fsync, rename, directory fsync) keeps every acknowledged save", async () => {
    await correct(PATH, { theme: "dark" });
    await correct(PATH, { theme: "light" });
    for (const mode of CRASH_MODES) {
      for (let seed = 0; seed < 20; seed++) expect(afterCrash(mode, seed)).toEqual({ theme: "light" });
    }
  });
});

/** The explorer's disks: memfs disks on virtual clocks. */
const disks = memfsDisks;

/** A workload that saves twice through the mocked node:fs/promises, the facade over the recorded backend. */
function savesTwice(save: (path: string, settings: object) => Promise<void>): Workload {
  return {
    name: "save settings twice",
    async setup({ backend }) {
      await backend.mkdir("app");
      await backend.syncDir("");
    },
    async run(ctx) {
      fs = createFsFromBackend(ctx.backend);
      await ctx.step("save v1", () => save(PATH, { v: 1 }));
      await ctx.step("save v2", () => save(PATH, { v: 2 }));
    },
  };
}

/** Every acknowledged save must be what the file holds (or a later save's content). */
const checker: CrashChecker = async ({ backend, acked, inFlight }) => {
  fs = createFsFromBackend(backend);
  let found: unknown;
  try {
    found = await promiseSaver.load(PATH);
  } catch (err) {
    found = (err as { code?: string }).code ?? "garbage";
  }
  const labels = [...acked, ...inFlight].map((s) => s.label);
  const allowed = [...(acked.length === 0 ? ["ENOENT"] : []), ...labels.slice(Math.max(acked.length - 1, 0))];
  const versions: Record<string, unknown> = { ENOENT: "ENOENT", "save v1": { v: 1 }, "save v2": { v: 2 } };
  return allowed.some((label) => JSON.stringify(versions[label]) === JSON.stringify(found))
    ? []
    : [
        `holds ${JSON.stringify(found)} after ${acked.map((s) => s.label).join(", ") || "nothing"} was acknowledged`,
      ];
};

describe("the crash explorer over unchanged node:fs/promises code", () => {
  it("finds the buggy saver's lost save (smallest trace: no fsync before the rename), and none for the correct one", async () => {
    const buggy = await exploreCrashes(savesTwice(promiseSaver.saveBuggy), checker, {
      disks,
      states: 200,
      mode: "prefix",
    });
    expect(buggy.violations).toBeGreaterThan(0);
    const smallest = buggy.failures[0];
    expect(smallest?.trace).toContain("rename");
    expect(smallest?.trace).not.toContain("sync");
    for (const mode of CRASH_MODES) {
      const correct = await exploreCrashes(savesTwice(promiseSaver.saveCorrect), checker, {
        disks,
        states: 200,
        mode,
      });
      // Exact counts: a small space (drop mode) is checked whole, and says so.
      const checked = correct.exhausted || correct.states > 10;
      expect({ mode, violations: correct.violations, checked, states: correct.states }).toMatchObject({
        mode,
        violations: 0,
        checked: true,
      });
    }
  });
});

describe("the mocked modules", () => {
  it("follow the facade a test swaps in (a crashed disk), and name the disk in errors", async () => {
    await promiseSaver.saveCorrect(PATH, { v: 1 });
    fs = createFsFromDisk(disk.crash({ mode: "drop" }));
    expect(await promiseSaver.load(PATH)).toEqual({ v: 1 });
    expect(syncSaver.load(PATH)).toEqual({ v: 1 });
    const err = await promiseSaver.load("/app/missing.json").catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: "ENOENT",
      syscall: "open",
      path: "/app/missing.json",
      message: "ENOENT: no such file or directory, open '/app/missing.json'",
    });
  });
});
