import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { atomicReplace, CRASH_MODES, type CrashMode, type StorageBackend } from "@living-reports/core";
import {
  type CrashCheckContext,
  type CrashChecker,
  exploreCrashes,
  runMutant,
  standardMutants,
  standardWorkloads,
  type Workload,
} from "@living-reports/testkit";
import { describe, expect, it } from "vitest";
import { memfsDisks as disks } from "../src/index.js";
import { crashRunsByMode } from "./crashRunsByMode.js";

/**
 * The CI crash run on memfs (issue 4): a budget of 100,000 distinct crash states of the standard
 * workloads over every crash mode, zero violations; a workload whose space is exhausted, or whose
 * rounds stop finding new states, stops short of its share. `LR_CRASH_STATES` sets the total for
 * a quick local run (e.g. `LR_CRASH_STATES=2000 npx vitest run test/crashExplorer.test.ts`).
 */
const TOTAL = Number(process.env.LR_CRASH_STATES ?? 100_000);
/**
 * Rounds (recordings of a workload) per run at most: a workload whose rounds keep finding a
 * trickle of new states (the index workload in torn mode finds a few per round) stops here, with
 * its honest count, instead of recording it a thousand times.
 */
const MAX_ROUNDS = 200;
/** Per mutant (and its control): enough to catch each one with margin. */
const MUTANT_STATES = Math.min(3000, Math.max(300, Math.floor(TOTAL / 20)));

const workloads = standardWorkloads();
let explored = 0;

describe("crash explorer on memfs: standard workloads", () => {
  // Each mode's share (MODE_SHARE) split over the workloads, at least 1 state each.
  crashRunsByMode({
    workloads,
    total: TOTAL,
    floor: 1,
    maxRounds: MAX_ROUNDS,
    onResult: (result) => {
      explored += result.states;
    },
  });

  it("reports the distinct states explored", () => {
    console.log(`crash explorer memfs: ${explored} distinct crash states in total`);
    expect(explored).toBeGreaterThan(0);
  });
});

/**
 * Issue 11: no single mode catches every planted bug, so each mutant runs in every mode. Each
 * must be caught in its own mode, and the modes that catch it are pinned, so a mode that stops
 * catching a bug it used to is a failure too.
 */
const CAUGHT_IN: Readonly<Record<string, readonly CrashMode[]>> = {
  "no-fsync-before-rename": CRASH_MODES,
  "no-dir-fsync": CRASH_MODES,
  "ack-before-fdatasync": CRASH_MODES,
  "backup-not-durable": CRASH_MODES,
  // Caught only in states after the clean close: the next open trusts the files and verify finds
  // the backups the checkpoint claimed durable empty or torn (G4).
  "checkpoint-not-durable": CRASH_MODES,
  // Its temp-file-then-copy append loses data only when the copy's write is torn.
  "python-append": ["torn"],
  "index-rewrite-no-lock": CRASH_MODES,
};

describe("crash explorer on memfs: mutants in every mode", () => {
  const controls = new Map<string, Promise<readonly string[]>>();
  for (const mutant of standardMutants()) {
    for (const mode of CRASH_MODES) {
      it(`${mutant.name}, ${mode}: ${mutant.description}`, { timeout: 300_000 }, async () => {
        const result = await runMutant(mutant, { disks, states: MUTANT_STATES, seed: 1, mode, controls });
        console.log(
          `crash explorer mutant ${mutant.name} ${mode}: caught=${result.caught} after ${result.states} states`,
        );
        if (mode === mutant.mode) expect(result.caught).toBe(true);
        expect(result.caught).toBe(CAUGHT_IN[mutant.name]?.includes(mode) ?? false);
      });
    }
  }
});

describe("crash explorer on memfs: its own guarantees", () => {
  it("counts distinct states only, each checked once", async () => {
    const seen: number[] = [];
    const checker = async (ctx: CrashCheckContext) => {
      seen.push(ctx.point);
      return [];
    };
    const result = await exploreCrashes(workloads[1]!.workload, checker, {
      disks,
      mode: "prefix",
      states: 200,
    });
    expect(result.states).toBe(200);
    expect(result.checks).toBe(seen.length);
    expect(result.checks).toBe(result.states);
  });

  it("reports the smallest failing state first, with its trace and files", async () => {
    const workload: Workload = {
      name: "unsynced-write",
      async run(ctx) {
        await ctx.step("write a", async () => {
          const handle = await ctx.backend.open("a", "w");
          await handle.write(new TextEncoder().encode("hello"), 0);
          await handle.close();
          await ctx.backend.syncDir("");
        });
      },
    };
    const checker = async (ctx: CrashCheckContext) =>
      ctx.acked.length > 0 && (await text(ctx.backend, "a")) !== "hello" ? ["acknowledged write lost"] : [];
    const result = await exploreCrashes(workload, checker, { disks, mode: "prefix", states: 100 });
    expect(result.violations).toBeGreaterThan(0);
    const [first] = result.failures;
    expect(first?.violations).toEqual(["acknowledged write lost"]);
    expect(first?.state.lost.some((c) => c.includes("write a"))).toBe(true);
    expect(first?.trace).toContain('syncDir ""');
    expect(first?.state.files).toContain("a");
  });
});

// #region crash-testing-example
// The code under test: it saves settings in place (a bug) or atomically.
async function saveInPlace(backend: StorageBackend, text: string): Promise<void> {
  const handle = await backend.open("settings.json", "w");
  await handle.write(new TextEncoder().encode(text), 0);
  await handle.sync();
  await handle.close();
}

async function saveAtomically(backend: StorageBackend, text: string): Promise<void> {
  await atomicReplace(backend, "settings.json", new TextEncoder().encode(text));
}

type Save = (backend: StorageBackend, text: string) => Promise<void>;

// The workload: setup writes v0 (made durable), then two saves, each one a step the checker knows.
function savesTwice(save: Save): Workload {
  return {
    name: "settings",
    async setup(ctx) {
      await saveAtomically(ctx.backend, '{"v":0}');
    },
    async run(ctx) {
      for (const v of [1, 2]) {
        await ctx.step(
          `save v${v}`,
          () => save(ctx.backend, `{"v":${v}}`),
          () => v,
        );
      }
    },
  };
}

// After any crash, the file parses and holds the last acknowledged save or one in flight.
const settingsChecker: CrashChecker = async ({ backend, acked, inFlight }) => {
  const text = new TextDecoder().decode(await backend.readFile("settings.json"));
  let v: unknown;
  try {
    v = (JSON.parse(text) as { v: unknown }).v;
  } catch {
    return [`torn settings file: ${JSON.stringify(text)}`];
  }
  const allowed = [acked.at(-1)?.effect ?? 0, ...inFlight.map((step) => step.effect)];
  return allowed.includes(v) ? [] : [`settings at v${String(v)}, expected one of ${allowed.join(", ")}`];
};

describe("docs/CRASH-TESTING.md example", () => {
  it("an atomic save survives every crash", async () => {
    const result = await exploreCrashes(savesTwice(saveAtomically), settingsChecker, {
      disks,
      mode: "torn",
      states: 300,
    });
    expect(result.violations).toBe(0);
  });

  it("a save in place is caught, with the smallest failing trace first", async () => {
    const result = await exploreCrashes(savesTwice(saveInPlace), settingsChecker, {
      disks,
      mode: "torn",
      states: 300,
    });
    expect(result.violations).toBeGreaterThan(0);
    expect(result.failures[0]?.trace).toContain('open h1 "settings.json" w');
  });
});
// #endregion crash-testing-example

it("docs/CRASH-TESTING.md shows exactly the example this file runs", () => {
  const doc = readFileSync(fileURLToPath(new URL("../../../docs/CRASH-TESTING.md", import.meta.url)), "utf8");
  const self = readFileSync(fileURLToPath(import.meta.url), "utf8");
  const region =
    /\/\/ #region crash-testing-example\n([\s\S]*?)\/\/ #endregion/.exec(self)?.[1] ?? "<missing>";
  const squash = (text: string) => text.replace(/\s+/g, " ").trim();
  expect(squash(doc)).toContain(squash(region));
});

async function text(backend: StorageBackend, path: string): Promise<string> {
  return new TextDecoder().decode(await backend.readFile(path));
}
