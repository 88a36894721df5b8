// The files of pack smoke's "unchanged node:fs code" step (issue 12): in the fresh project that
// installed only the tarballs, vitest runs a settings saver written with node:fs sync calls and
// one written with node:fs/promises, each buggy (no fsync) and correct (fsync, rename, directory
// fsync), on the power-losing node:fs of @living-reports/memfs through vi.mock. The buggy ones
// must lose an acknowledged save, the correct ones never.

const SYNC_SAVER = `import { closeSync, fsyncSync, openSync, renameSync, writeFileSync, writeSync } from "node:fs";
import { dirname } from "node:path";

export function saveBuggy(path, settings) {
  writeFileSync(path + ".tmp", JSON.stringify(settings));
  renameSync(path + ".tmp", path);
}

export function saveCorrect(path, settings) {
  const fd = openSync(path + ".tmp", "w");
  writeSync(fd, JSON.stringify(settings));
  fsyncSync(fd);
  closeSync(fd);
  renameSync(path + ".tmp", path);
  const dir = openSync(dirname(path), "r");
  fsyncSync(dir);
  closeSync(dir);
}
`;

const PROMISE_SAVER = `import { open, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";

export async function saveBuggy(path, settings) {
  await writeFile(path + ".tmp", JSON.stringify(settings));
  await rename(path + ".tmp", path);
}

export async function saveCorrect(path, settings) {
  const file = await open(path + ".tmp", "w");
  await file.writeFile(JSON.stringify(settings));
  await file.sync();
  await file.close();
  await rename(path + ".tmp", path);
  const dir = await open(dirname(path), "r");
  await dir.sync();
  await dir.close();
}
`;

const TEST = `import { createFsFromDisk, createMemfsDisk } from "@living-reports/memfs";
import { describe, expect, it, vi } from "vitest";
import * as sync from "./settingsSync.mjs";
import * as promises from "./settingsPromises.mjs";

let fs;
vi.mock("node:fs", async () => (await import("@living-reports/memfs/vitest")).mockNodeFs(() => fs));
vi.mock("node:fs/promises", async () => (await import("@living-reports/memfs/vitest")).mockNodeFsPromises(() => fs));

const MODES = ["drop", "prefix", "torn", "reorder"];
const PATH = "/app/settings.json";

function freshDisk() {
  const disk = createMemfsDisk();
  fs = createFsFromDisk(disk);
  fs.mkdirSync("/app");
  const root = fs.openSync("/", "r");
  fs.fsyncSync(root);
  fs.closeSync(root);
  return disk;
}

/** The settings each crash leaves (20 seeds per mode): parsed, or "missing" / "garbage". */
function afterCrashes(disk) {
  const seen = [];
  for (const mode of MODES) {
    for (let seed = 0; seed < 20; seed++) {
      const crashed = createFsFromDisk(disk.crash({ mode, seed }));
      let value = "missing";
      if (crashed.existsSync(PATH)) {
        try { value = JSON.parse(crashed.readFileSync(PATH, "utf8")); } catch { value = "garbage"; }
      }
      seen.push({ mode, seed, value });
    }
  }
  return seen;
}

describe.each([
  ["node:fs sync calls", sync],
  ["node:fs/promises", promises],
])("a settings saver written with %s, unchanged", (_name, saver) => {
  it("the buggy one loses an acknowledged save under power loss", async () => {
    const disk = freshDisk();
    await saver.saveBuggy(PATH, { v: 1 });
    await saver.saveBuggy(PATH, { v: 2 });
    const lost = afterCrashes(disk).filter((s) => JSON.stringify(s.value) !== JSON.stringify({ v: 2 }));
    expect(lost.length).toBeGreaterThan(0);
    expect(lost.map((s) => s.mode)).toContain("drop");
  });

  it("the correct one keeps every acknowledged save", async () => {
    const disk = freshDisk();
    await saver.saveCorrect(PATH, { v: 1 });
    await saver.saveCorrect(PATH, { v: 2 });
    for (const state of afterCrashes(disk)) expect(state).toEqual({ ...state, value: { v: 2 } });
  });
});
`;

/** Writes the saver modules and their vitest test into `project`. */
export function writeNodeFsSmoke(project, writeFileSync, join) {
  writeFileSync(join(project, "settingsSync.mjs"), SYNC_SAVER);
  writeFileSync(join(project, "settingsPromises.mjs"), PROMISE_SAVER);
  writeFileSync(join(project, "settings.test.mjs"), TEST);
}
