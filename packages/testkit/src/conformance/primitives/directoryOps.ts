import { ErrorCode } from "@living-reports/core";
import { describe, expect, it } from "vitest";
import { text, utf8 } from "../support/bytes.js";
import { expectError } from "../support/expectError.js";
import { writeFile } from "../support/files.js";
import type { ConformanceTarget } from "../target.js";
import { titleOf, withRoot } from "../withRoot.js";

/** stat, statIfExists and replaceFile where offered, rename, link, unlink, mkdir, rmdir, readdir, utimes, readFile, syncDir, and two instances. */
export function describeDirectoryOps(target: ConformanceTarget): void {
  describe(titleOf(target, "backend primitives: names and directories"), () => {
    it("stat reports kinds and sizes, and NOT_FOUND for a missing path", () =>
      withRoot(target, async ({ backend }) => {
        await backend.mkdir("d");
        await writeFile(backend, "d/f.txt", "12345");
        const file = await backend.stat("d/f.txt");
        expect(file.kind).toBe("file");
        expect(file.size).toBe(5);
        expect(Number.isFinite(file.mtimeMs)).toBe(true);
        expect(Number.isInteger(file.ino)).toBe(true);
        expect((await backend.stat("d")).kind).toBe("directory");
        expect((await backend.stat("")).kind).toBe("directory");
        const err = await expectError(backend.stat("d/missing"), ErrorCode.NOT_FOUND);
        expect(err.path).toBe("d/missing");
      }));

    it("statIfExists, where offered, answers as stat does and undefined where stat is NOT_FOUND", (ctx) =>
      withRoot(target, async ({ backend }) => {
        const statIfExists = backend.statIfExists?.bind(backend);
        if (statIfExists === undefined) {
          ctx.skip(); // optional: core falls back to stat
          return;
        }
        await backend.mkdir("d");
        await writeFile(backend, "d/f.txt", "12345");
        expect(await statIfExists("d/f.txt")).toEqual(await backend.stat("d/f.txt"));
        expect(await statIfExists("d")).toEqual(await backend.stat("d"));
        expect(await statIfExists("d/missing")).toBeUndefined();
        expect(await statIfExists("missing/f.txt")).toBeUndefined();
        // Anything else fails as stat fails: a bad path, a file where a directory should be.
        await expectError(statIfExists("../x"), ErrorCode.INVALID_PATH);
        const wrong = await backend.stat("d/f.txt/x").catch((e: unknown) => e);
        await expect(statIfExists("d/f.txt/x")).rejects.toMatchObject({
          code: (wrong as { code: string }).code,
        });
      }));

    it("replaceFile, where offered, puts a new file at the name in one step, as a temp file and a rename do", (ctx) =>
      withRoot(target, async (root) => {
        const { backend } = root;
        const replaceFile = backend.replaceFile?.bind(backend);
        if (replaceFile === undefined) {
          ctx.skip(); // optional: core writes a temp file and renames it
          return;
        }
        const links = backend.capabilities.hardLinks;
        await backend.mkdir("d");
        await replaceFile("d/f.txt", utf8("first"));
        const before = await backend.stat("d/f.txt");
        expect(before).toMatchObject({ kind: "file", size: 5 });
        // A new file: another name of the old one (a backup's hard link) keeps the old content.
        if (links) await backend.link("d/f.txt", "d/backup");
        const reader = root.another();
        const versions = Array.from({ length: 10 }, (_, i) => `version ${i} `.repeat(40));
        const seen: string[] = [];
        for (const version of versions) {
          const reads = Array.from({ length: 3 }, () => reader.readFile("d/f.txt"));
          await replaceFile("d/f.txt", utf8(version));
          for (const bytes of await Promise.all(reads)) seen.push(text(bytes));
        }
        // Readers see the old file or the new one whole, never none or a mix.
        for (const content of seen) expect(["first", ...versions]).toContain(content);
        const after = await backend.stat("d/f.txt");
        expect(after.size).toBe(utf8(versions.at(-1) ?? "").length);
        if (before.ino !== 0) expect(after.ino).not.toBe(before.ino);
        expect(text(await reader.readFile("d/f.txt"))).toBe(versions.at(-1));
        if (links) expect(text(await backend.readFile("d/backup"))).toBe("first");
        expect(await backend.readdir("d")).toEqual(links ? ["backup", "f.txt"] : ["f.txt"]);
        await backend.syncDir("d");
        // Refused where a rename onto the name would be: a directory, a missing parent, a bad path.
        await backend.mkdir("d/sub");
        await expectError(replaceFile("d/sub", utf8("x")), ErrorCode.WRONG_KIND);
        await expectError(replaceFile("missing/f.txt", utf8("x")), ErrorCode.NOT_FOUND);
        await expectError(replaceFile("../x", utf8("x")), ErrorCode.INVALID_PATH);
        expect((await backend.stat("d/sub")).kind).toBe("directory");
      }));

    it("rename moves a file and replaces an existing target", () =>
      withRoot(target, async ({ backend }) => {
        await backend.mkdir("d");
        await writeFile(backend, "a.txt", "new");
        await writeFile(backend, "d/b.txt", "old");
        await backend.rename("a.txt", "d/b.txt");
        expect(text(await backend.readFile("d/b.txt"))).toBe("new");
        expect(await backend.readdir("")).toEqual(["d"]);
        await expectError(backend.rename("a.txt", "c.txt"), ErrorCode.NOT_FOUND);
        await expectError(backend.rename("d/b.txt", "nodir/b.txt"), ErrorCode.NOT_FOUND);
        expect(text(await backend.readFile("d/b.txt"))).toBe("new");
      }));

    it("rename is atomic: a concurrent reader sees the old or the new file, never none or a mix", () =>
      withRoot(target, async (root) => {
        const reader = root.another();
        const versions = Array.from({ length: 20 }, (_, i) => `version ${i} `.repeat(50));
        await writeFile(root.backend, "target.txt", versions[0] ?? "");
        const seen: string[] = [];
        for (const [i, version] of versions.entries()) {
          if (i === 0) continue;
          await writeFile(root.backend, `tmp-${i}`, version);
          const reads = Array.from({ length: 3 }, () => reader.readFile("target.txt"));
          await root.backend.rename(`tmp-${i}`, "target.txt");
          for (const bytes of await Promise.all(reads)) seen.push(text(bytes));
        }
        for (const content of seen) expect(versions).toContain(content);
        expect(text(await reader.readFile("target.txt"))).toBe(versions.at(-1));
      }));

    it("link shares content between two names, and fails ALREADY_EXISTS on a taken name", (ctx) =>
      withRoot(target, async ({ backend }) => {
        ctx.skip(!backend.capabilities.hardLinks, `${target.name} has no hard links`);
        await writeFile(backend, "a.txt", "shared");
        await backend.link("a.txt", "b.txt");
        const [a, b] = [await backend.stat("a.txt"), await backend.stat("b.txt")];
        if (a.ino !== 0) expect(b.ino).toBe(a.ino);
        const handle = await backend.open("b.txt", "r+");
        await handle.write(utf8("S"), 0);
        await handle.close();
        expect(text(await backend.readFile("a.txt"))).toBe("Shared");
        await writeFile(backend, "c.txt", "other");
        await expectError(backend.link("a.txt", "c.txt"), ErrorCode.ALREADY_EXISTS);
        expect(text(await backend.readFile("c.txt"))).toBe("other");
        await backend.unlink("a.txt");
        expect(text(await backend.readFile("b.txt"))).toBe("Shared");
      }));

    it("unlink removes a file, NOT_FOUND when missing, and refuses a directory", () =>
      withRoot(target, async ({ backend }) => {
        await writeFile(backend, "f.txt", "x");
        await backend.unlink("f.txt");
        await expectError(backend.stat("f.txt"), ErrorCode.NOT_FOUND);
        const err = await expectError(backend.unlink("f.txt"), ErrorCode.NOT_FOUND);
        expect(err.path).toBe("f.txt");
        await backend.mkdir("d");
        await expectError(backend.unlink("d"), [
          ErrorCode.WRONG_KIND,
          ErrorCode.PERMISSION_DENIED,
          ErrorCode.STORAGE_FAILURE,
        ]);
        expect((await backend.stat("d")).kind).toBe("directory");
      }));

    it("mkdir creates one level: ALREADY_EXISTS when taken, NOT_FOUND when the parent is missing", () =>
      withRoot(target, async ({ backend }) => {
        await backend.mkdir("d");
        await backend.mkdir("d/e");
        expect((await backend.stat("d/e")).kind).toBe("directory");
        await expectError(backend.mkdir("d"), ErrorCode.ALREADY_EXISTS);
        await writeFile(backend, "f.txt", "x");
        await expectError(backend.mkdir("f.txt"), ErrorCode.ALREADY_EXISTS);
        const err = await expectError(backend.mkdir("x/y"), ErrorCode.NOT_FOUND);
        expect(err.path).toBe("x/y");
        await expectError(backend.stat("x"), ErrorCode.NOT_FOUND);
      }));

    it("rmdir removes an empty directory and refuses a non-empty one with a typed error", () =>
      withRoot(target, async ({ backend }) => {
        await backend.mkdir("d");
        await writeFile(backend, "d/f.txt", "x");
        const err = await expectError(backend.rmdir("d"), [
          ErrorCode.STORAGE_FAILURE,
          ErrorCode.ALREADY_EXISTS,
        ]);
        expect(err.path).toBe("d");
        expect(await backend.readdir("d")).toEqual(["f.txt"]);
        await backend.unlink("d/f.txt");
        await backend.rmdir("d");
        await expectError(backend.stat("d"), ErrorCode.NOT_FOUND);
        await expectError(backend.rmdir("d"), ErrorCode.NOT_FOUND);
      }));

    it("readdir lists names sorted, without . and .., and NOT_FOUND for a missing directory", () =>
      withRoot(target, async ({ backend }) => {
        expect(await backend.readdir("")).toEqual([]);
        const names = ["b", "a.tmp", "C", "10", "9", "a", ".hidden", "z-dir"];
        for (const name of names) {
          if (name === "z-dir") await backend.mkdir(name);
          else await writeFile(backend, name, name);
        }
        expect(await backend.readdir("")).toEqual([...names].sort());
        await expectError(backend.readdir("missing"), ErrorCode.NOT_FOUND);
      }));

    it("utimes sets the modification time that stat reports", () =>
      withRoot(target, async ({ backend }) => {
        await writeFile(backend, "f.txt", "x");
        await backend.mkdir("d");
        const old = Date.UTC(2020, 0, 2, 3, 4, 5);
        await backend.utimes("f.txt", old);
        await backend.utimes("d", old + 60_000);
        expect(Math.abs((await backend.stat("f.txt")).mtimeMs - old)).toBeLessThan(1000);
        expect(Math.abs((await backend.stat("d")).mtimeMs - (old + 60_000))).toBeLessThan(1000);
        await expectError(backend.utimes("missing", old), ErrorCode.NOT_FOUND);
      }));

    it("readFile returns the whole file, NOT_FOUND when missing", () =>
      withRoot(target, async ({ backend }) => {
        const big = new Uint8Array(200_000).map((_, i) => i % 251);
        await writeFile(backend, "big.bin", big);
        expect(Buffer.compare(await backend.readFile("big.bin"), big), "content differs").toBe(0);
        await writeFile(backend, "empty", "");
        expect((await backend.readFile("empty")).length).toBe(0);
        const err = await expectError(backend.readFile("missing"), ErrorCode.NOT_FOUND);
        expect(err.path).toBe("missing");
      }));

    it("syncDir accepts the root and a directory, NOT_FOUND for a missing one", () =>
      withRoot(target, async ({ backend }) => {
        await backend.mkdir("d");
        await backend.syncDir("");
        await backend.syncDir("d");
        await expectError(backend.syncDir("missing"), [ErrorCode.NOT_FOUND, ErrorCode.FSYNC_FAILED]);
      }));

    it("two instances over one root see each other's writes", () =>
      withRoot(target, async (root) => {
        const other = root.another();
        expect(other.storageId).toBe(root.backend.storageId);
        await writeFile(root.backend, "f.txt", "from one");
        expect(text(await other.readFile("f.txt"))).toBe("from one");
        await other.mkdir("d");
        await writeFile(other, "d/g.txt", "from two");
        expect(await root.backend.readdir("d")).toEqual(["g.txt"]);
        expect(text(await root.backend.readFile("d/g.txt"))).toBe("from two");
        await other.unlink("f.txt");
        await expectError(root.backend.stat("f.txt"), ErrorCode.NOT_FOUND);
      }));
  });
}
