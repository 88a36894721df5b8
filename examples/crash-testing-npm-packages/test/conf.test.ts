// conf (electron-store's base) saves synchronously, through atomically's writeFileSync: the
// crash explorer (async backend calls) cannot record it, so this test cuts the power right after
// each acknowledged save, on the disk itself, in every mode with many seeds: does the save
// survive? The sync API runs on createFsFromDisk, through the same durability model.
import { createFsFromDisk, createMemfsDisk } from "@living-reports/memfs";
import { describe, expect, it, vi } from "vitest";
import { useFs } from "../src/currentFs.js";
import {
  CORRUPT_EMPTY,
  CORRUPT_GARBAGE,
  DIR,
  FILE,
  judge,
  LOST_OLDER,
  MODES,
  type Mode,
  readText,
  settings,
} from "../src/harness.js";

vi.mock("node:fs", async () =>
  (await import("@living-reports/memfs/vitest")).mockNodeFs((await import("../src/currentFs.js")).getFs),
);

const SEEDS = 50;

describe("conf 15 (sync writes through atomically's writeFileSync, via vi.mock)", () => {
  it("loses an acknowledged save in modes drop, prefix, torn and reorder, never leaving a corrupt file", async () => {
    const disk = createMemfsDisk();
    const fs = useFs(createFsFromDisk(disk));
    fs.mkdirSync(DIR);
    const root = fs.openSync("/", "r");
    fs.fsyncSync(root);
    fs.closeSync(root);
    const { default: Conf } = await import("conf");
    const conf = new Conf<{ version: number; note: string }>({
      cwd: DIR,
      configName: "settings",
      projectName: "demo",
    });
    expect(conf.path).toBe(FILE);

    const kinds = Object.fromEntries(MODES.map((m) => [m, new Set<string>()])) as Record<Mode, Set<string>>;
    let firstLoss: string | undefined;
    for (const version of [1, 2, 3]) {
      conf.store = settings(version); // returns once written: acknowledged
      for (const mode of MODES) {
        for (let seed = 0; seed < SEEDS; seed++) {
          const verdict = judge(
            await readText(disk.crash({ mode, seed }).backend(), FILE),
            new Set([version]),
          );
          for (const v of verdict) kinds[mode].add(v);
          if (verdict.length > 0 && firstLoss === undefined) {
            firstLoss = `after save ${version}, mode ${mode}, seed ${seed}: ${verdict.join("; ")}; volatile then: ${disk
              .pendingChanges()
              .map((c) => `#${c.id} ${c.kind} ${c.path}`)
              .join(", ")}`;
          }
        }
      }
    }
    console.log(
      [
        "== conf",
        ...MODES.map((m) => `${m}: ${[...kinds[m]].sort().join("; ") || "no loss"}`),
        `first loss: ${firstLoss}`,
      ].join("\n"),
    );
    // The data is fsynced before the rename, the directory never: the rename can be lost.
    for (const mode of MODES) expect([...kinds[mode]].length).toBeGreaterThan(0);
    expect(kinds.prefix).toContain(LOST_OLDER);
    for (const mode of MODES) {
      expect(kinds[mode]).not.toContain(CORRUPT_EMPTY);
      expect(kinds[mode]).not.toContain(CORRUPT_GARBAGE);
    }
    expect(firstLoss).toMatch(/rename/);
  });
});
