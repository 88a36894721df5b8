// The crash-testing harness shared by the tests: a workload that saves a settings file three
// times through a package, the checker that says which acknowledged save a crash lost, and a run
// of the crash explorer in every crash mode.
import { createFsFromBackend, memfsDisks } from "@living-reports/memfs";
import {
  type CrashCheckContext,
  type CrashChecker,
  type CrashFailure,
  type ExploreResult,
  exploreCrashes,
  type Workload,
} from "@living-reports/testkit";
import { useFs } from "./currentFs.js";

/** The crash modes (docs/CRASH-MODEL.md in the repository), weakest promise last. */
export const MODES = ["drop", "prefix", "torn", "reorder"] as const;
export type Mode = (typeof MODES)[number];

export const DIR = "/data";
export const FILE = "/data/settings.json";

/** The settings of save number `version`: big enough (≈ 200 B) for a torn write to cut inside. */
export function settings(version: number): { version: number; note: string } {
  return { version, note: `saved ${version} `.repeat(16) };
}

/** Saves `settings(version)` to {@link FILE} through the package under test. */
export type Save = (version: number) => Promise<void>;

/**
 * The workload: `/data` exists and is durable; then three saves through the package, each
 * acknowledged when its promise resolves. `makeSave` runs once the mocked `node:fs` points at the
 * recorded backend (so a package that reads at construction, like conf, reads the right disk).
 */
export function threeSaves(name: string, makeSave: () => Save | Promise<Save>): Workload {
  return {
    name,
    async setup({ backend }) {
      await backend.mkdir(DIR.slice(1));
      await backend.syncDir("");
    },
    async run(ctx) {
      useFs(createFsFromBackend(ctx.backend));
      const save = await makeSave();
      for (const version of [1, 2, 3]) await ctx.step(`v${version}`, () => save(version));
    },
  };
}

/** The violations the checker reports: one fixed text per kind, so findings compare across runs. */
export const LOST_OLDER = "acknowledged save lost: the file holds an older version";
export const LOST_MISSING = "acknowledged save lost: the file is missing";
export const CORRUPT_EMPTY = "acknowledged save lost: the file is empty";
export const CORRUPT_GARBAGE = "acknowledged save lost: the file is not valid JSON (torn)";

/**
 * What a crash left in the settings file (`undefined`: no file), judged against the saves that
 * may be there: the last acknowledged one (0 = none yet, then no file is fine) or one in flight.
 */
export function judge(text: string | undefined, allowed: ReadonlySet<number>): string[] {
  if (text === undefined) return allowed.has(0) ? [] : [LOST_MISSING];
  if (text.length === 0) return allowed.has(0) ? [] : [CORRUPT_EMPTY];
  let found: number;
  try {
    found = (JSON.parse(text) as { version: number }).version;
  } catch {
    return [CORRUPT_GARBAGE];
  }
  return allowed.has(found) ? [] : [LOST_OLDER];
}

/** Reads a file through a backend, `undefined` when it does not exist. */
export async function readText(
  backend: CrashCheckContext["backend"],
  path: string,
): Promise<string | undefined> {
  try {
    return new TextDecoder().decode(await backend.readFile(path.slice(1)));
  } catch (err) {
    if ((err as { code?: string }).code === "NOT_FOUND") return undefined;
    throw err;
  }
}

/**
 * After a crash, the file must hold the last acknowledged save, or a save still in flight at the
 * crash (it may or may not have happened). Before any acknowledgement, no file is fine too.
 */
export const checker: CrashChecker = async ({ backend, acked, inFlight }) => {
  const version = (label: string) => Number(label.slice(1));
  const last = acked.length === 0 ? 0 : version(acked[acked.length - 1]?.label ?? "v0");
  return judge(await readText(backend, FILE), new Set([last, ...inFlight.map((s) => version(s.label))]));
};

/** memfs disks on virtual clocks, for the explorer. */
export const disks = memfsDisks;

/** How many distinct crash states per mode (CI default; scale with LR_CRASH_STATES). */
export const STATES = Number(process.env.LR_CRASH_STATES ?? 400);

/** What the explorer found for one package in one mode. */
export interface Finding {
  readonly mode: Mode;
  readonly states: number;
  /** The whole space of crash states was checked (a small space, e.g. mode drop). */
  readonly exhausted: boolean;
  readonly violations: number;
  /** The kinds of violation found, sorted. */
  readonly kinds: readonly string[];
  /** The smallest failing state (fewest calls, fewest kept changes), if any. */
  readonly smallest: CrashFailure | undefined;
}

/** Explores `workload`'s crashes in every mode with the {@link checker}. */
export async function findings(workload: Workload): Promise<Record<Mode, Finding>> {
  const out = {} as Record<Mode, Finding>;
  for (const mode of MODES) {
    const result: ExploreResult = await exploreCrashes(
      workload,
      async (ctx) => {
        useFs(createFsFromBackend(ctx.backend));
        return checker(ctx);
      },
      { disks, mode, states: STATES },
    );
    out[mode] = {
      mode,
      states: result.states,
      exhausted: result.exhausted,
      violations: result.violations,
      kinds: result.kinds,
      smallest: result.failures[0],
    };
  }
  return out;
}

/** A finding as a short report: per mode, the violation kinds, and the smallest trace. */
export function report(name: string, found: Record<Mode, Finding>): string {
  const lines = [`== ${name}`];
  for (const mode of MODES) {
    const f = found[mode];
    lines.push(
      `${mode}: ${f.violations} of ${f.states} states violate${f.kinds.length ? `: ${f.kinds.join("; ")}` : ""}`,
    );
  }
  const first = MODES.map((m) => found[m].smallest).find((f) => f !== undefined);
  if (first !== undefined) {
    lines.push("smallest failing trace:", first.trace, `lost: ${first.state.lost.join(", ")}`);
  }
  return lines.join("\n");
}
