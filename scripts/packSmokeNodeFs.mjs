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

// The explorer from the installed tarballs, through the entries that load no vitest: exact,
// exhausted counts for a small workload, and the fsync-EIO-then-retry bug caught (Linux may drop
// the dirty pages on a failed fsync; a retried fsync then "succeeds" without them).
const EXPLORER_TEST = `import { memfsDisks as disks } from "@living-reports/memfs";
import { exploreCrashes } from "@living-reports/testkit/explorer";
import { injectFaults } from "@living-reports/testkit/faults";
import { describe, expect, it } from "vitest";

const bytes = (text) => new TextEncoder().encode(text);
const anything = async () => [];

describe("the crash explorer, installed from the tarballs", () => {
  it("counts the distinct states of a small workload exactly, and says when it checked them all", async () => {
    const unsyncedHello = {
      name: "unsynced-hello",
      async run(ctx) {
        const handle = await ctx.backend.open("a", "w");
        await handle.write(bytes("hello"), 0);
        await handle.close();
      },
    };
    const result = await exploreCrashes(unsyncedHello, anything, { disks, mode: "prefix", states: 1000 });
    // a missing, empty, or whole: three states, and the space is exhausted.
    expect(result).toMatchObject({ states: 3, exhausted: true });
  });

  it("catches the fsync-EIO-then-retry bug, and passes its fix", async () => {
    const save = (retry) => ({
      name: retry,
      async run(ctx) {
        await ctx.step("save", async () => {
          const handle = await ctx.backend.open("data.json", "w");
          await handle.write(bytes("saved"), 0);
          try {
            await handle.sync();
          } catch {
            if (retry === "rewrite") await handle.write(bytes("saved"), 0);
            await handle.sync();
          }
          await handle.close();
          await ctx.backend.syncDir("");
        });
      },
    });
    const checker = async ({ backend, acked }) => {
      if (acked.length === 0) return [];
      const got = await backend.readFile("data.json").then((d) => new TextDecoder().decode(d), (e) => e.message);
      return got === "saved" ? [] : ["acknowledged save lost: " + got];
    };
    const wrapBackend = (backend) =>
      injectFaults(backend, [{ op: "sync", path: "data.json", error: "EIO", loseUnsynced: true }]);
    const options = { disks, mode: "prefix", states: 500, wrapBackend };
    expect((await exploreCrashes(save("fsync again"), checker, options)).violations).toBeGreaterThan(0);
    expect((await exploreCrashes(save("rewrite"), checker, options)).violations).toBe(0);
  });
});
`;

/** Writes the saver modules, their vitest test and the explorer's test into `project`. */
export function writeNodeFsSmoke(project, writeFileSync, join) {
  writeFileSync(join(project, "settingsSync.mjs"), SYNC_SAVER);
  writeFileSync(join(project, "settingsPromises.mjs"), PROMISE_SAVER);
  writeFileSync(join(project, "settings.test.mjs"), TEST);
  writeFileSync(join(project, "explorer.test.mjs"), EXPLORER_TEST);
}
