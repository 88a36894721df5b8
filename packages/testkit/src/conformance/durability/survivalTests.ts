import { CRASH_MODES, ErrorCode } from "@living-reports/core";
import { expect, it } from "vitest";
import { text, utf8 } from "../support/bytes.js";
import { expectError } from "../support/expectError.js";
import { makeDir, writeFile } from "../support/files.js";
import type { ConformanceTarget } from "../target.js";
import { withRoot } from "../withRoot.js";
import { bytesOrNull, contentOrNull, crash, crashCases } from "./crashHelpers.js";

/** What survives a crash and what does not: synced data, unsynced data, unsynced names, renames. */
export function registerSurvivalTests(target: ConformanceTarget): void {
  it.each(crashCases(CRASH_MODES))(
    "synced data and names survive %s (seed %i), whatever else was volatile",
    (mode, seed) =>
      withRoot(target, async (root) => {
        const { backend } = root;
        await makeDir(backend, "d", { durable: true });
        await writeFile(backend, "d/f", "synced content", { durable: true });
        // Volatile noise around the durable file must not disturb it.
        await writeFile(backend, "d/noise", "unsynced");
        const handle = await backend.open("d/f", "a");
        await handle.write(utf8(" + unsynced tail"));
        await handle.close();
        const after = crash(root, { mode, seed });
        const content = await contentOrNull(after, "d/f");
        expect(content?.startsWith("synced content"), `d/f after ${mode}: ${content}`).toBe(true);
        expect(await after.readdir("d")).toContain("f");
      }),
  );

  it("unsynced writes, appends and truncates do not survive drop", () =>
    withRoot(target, async (root) => {
      const { backend } = root;
      await writeFile(backend, "f", "old content", { durable: true });
      await writeFile(backend, "log", "line 1\n", { durable: true });
      await writeFile(backend, "cut", "keep all of this", { durable: true });
      const f = await backend.open("f", "r+");
      await f.write(utf8("NEW"), 0);
      await f.close();
      const log = await backend.open("log", "a");
      await log.write(utf8("line 2\n"));
      await log.close();
      const cut = await backend.open("cut", "r+");
      await cut.truncate(4);
      await cut.close();
      const after = crash(root, { mode: "drop" });
      expect(text(await after.readFile("f"))).toBe("old content");
      expect(text(await after.readFile("log"))).toBe("line 1\n");
      expect(text(await after.readFile("cut"))).toBe("keep all of this");
    }));

  it("a created file or directory whose parent was not synced is absent after drop", () =>
    withRoot(target, async (root) => {
      const { backend } = root;
      await makeDir(backend, "d", { durable: true });
      const handle = await backend.open("d/new", "wx");
      await handle.write(utf8("data synced, name not"), 0);
      await handle.sync();
      await handle.close();
      await backend.mkdir("d/sub");
      const after = crash(root, { mode: "drop" });
      expect(await after.readdir("d")).toEqual([]);
      await expectError(after.stat("d/new"), ErrorCode.NOT_FOUND);
    }));

  it("a rename is undone by drop until its directory is synced", () =>
    withRoot(target, async (root) => {
      const { backend } = root;
      await writeFile(backend, "a", "A", { durable: true });
      await writeFile(backend, "b", "B", { durable: true });
      await backend.rename("a", "b");
      const after = crash(root, { mode: "drop" });
      expect(await contentOrNull(after, "a")).toBe("A");
      expect(await contentOrNull(after, "b")).toBe("B");
    }));

  it.each(crashCases(CRASH_MODES))(
    "a rename followed by syncDir of both directories survives %s (seed %i)",
    (mode, seed) =>
      withRoot(target, async (root) => {
        const { backend } = root;
        await makeDir(backend, "x", { durable: true });
        await makeDir(backend, "y", { durable: true });
        await writeFile(backend, "x/a", "A", { durable: true });
        await writeFile(backend, "y/b", "B", { durable: true });
        await backend.rename("x/a", "y/b");
        await backend.syncDir("x");
        await backend.syncDir("y");
        const after = crash(root, { mode, seed });
        expect(await contentOrNull(after, "x/a")).toBeNull();
        expect(await contentOrNull(after, "y/b")).toBe("A");
      }),
  );

  it.each(crashCases(CRASH_MODES))(
    "an acknowledged append survives %s (seed %i); the unacknowledged one is at most a prefix (torn: then zeros or garbage)",
    (mode, seed) =>
      withRoot(target, async (root) => {
        const { backend } = root;
        await writeFile(backend, "audit.jsonl", '{"n":1}\n', { durable: true });
        const log = await backend.open("audit.jsonl", "a");
        await log.write(utf8('{"n":2}\n'));
        await log.datasync();
        const acknowledged = utf8('{"n":1}\n{"n":2}\n');
        const full = utf8('{"n":1}\n{"n":2}\n{"n":3}\n');
        await log.write(utf8('{"n":3}\n'));
        const after = crash(root, { mode, seed });
        const found = (await bytesOrNull(after, "audit.jsonl")) ?? new Uint8Array(0);
        const why = `after ${mode}: ${JSON.stringify(String.fromCharCode(...found))}`;
        const kept = sharedPrefix(found, full);
        expect(kept, why).toBeGreaterThanOrEqual(acknowledged.byteLength);
        // Past what the write kept: nothing, or (a torn write) zeros or garbage to the end of the write.
        if (mode === "torn") expect([kept, full.byteLength], why).toContain(found.byteLength);
        else expect(kept, why).toBe(found.byteLength);
        if (mode === "drop") expect(found.byteLength).toBe(acknowledged.byteLength);
        if (mode === "prefix") expect([acknowledged.byteLength, full.byteLength]).toContain(found.byteLength);
      }),
  );
}

/** How many leading bytes `a` and `b` share. */
function sharedPrefix(a: Uint8Array, b: Uint8Array): number {
  let n = 0;
  while (n < a.byteLength && n < b.byteLength && a[n] === b[n]) n++;
  return n;
}
