import { ErrorCode } from "@living-reports/core";
import { describe, expect, it } from "vitest";
import { text, utf8 } from "../support/bytes.js";
import { expectError } from "../support/expectError.js";
import { writeFile } from "../support/files.js";
import type { ConformanceTarget } from "../target.js";
import { titleOf, withRoot } from "../withRoot.js";

/** Open modes and the FileHandle contract: positioned reads and writes, EOF, truncate, stat, syncs. */
export function describeFileHandles(target: ConformanceTarget): void {
  describe(titleOf(target, "backend primitives: open modes"), () => {
    it("r reads an existing file and refuses a missing one with NOT_FOUND", () =>
      withRoot(target, async ({ backend }) => {
        await writeFile(backend, "f.txt", "hello");
        const handle = await backend.open("f.txt", "r");
        expect(text(await handle.read(100, 0))).toBe("hello");
        await handle.close();
        await expectError(backend.open("missing.txt", "r"), ErrorCode.NOT_FOUND);
        expect(await backend.readdir("")).toEqual(["f.txt"]);
      }));

    it("r refuses writes with a typed error and leaves the file unchanged", () =>
      withRoot(target, async ({ backend }) => {
        await writeFile(backend, "f.txt", "hello");
        const handle = await backend.open("f.txt", "r");
        await expectError(handle.write(utf8("XX"), 0), [
          ErrorCode.STORAGE_FAILURE,
          ErrorCode.PERMISSION_DENIED,
        ]);
        await handle.close();
        expect(text(await backend.readFile("f.txt"))).toBe("hello");
      }));

    it("r+ writes in place without truncating, and refuses a missing file", () =>
      withRoot(target, async ({ backend }) => {
        await writeFile(backend, "f.txt", "hello world");
        const handle = await backend.open("f.txt", "r+");
        expect(await handle.write(utf8("J"), 0)).toBe(1);
        expect(text(await handle.read(5, 0))).toBe("Jello");
        await handle.close();
        expect(text(await backend.readFile("f.txt"))).toBe("Jello world");
        await expectError(backend.open("missing.txt", "r+"), ErrorCode.NOT_FOUND);
        expect(await backend.readdir("")).toEqual(["f.txt"]);
      }));

    it("w creates a missing file and truncates an existing one", () =>
      withRoot(target, async ({ backend }) => {
        const created = await backend.open("new.txt", "w");
        expect((await created.stat()).size).toBe(0);
        await created.close();
        expect((await backend.stat("new.txt")).kind).toBe("file");
        await writeFile(backend, "f.txt", "a long first content");
        const handle = await backend.open("f.txt", "w");
        expect((await handle.stat()).size).toBe(0);
        await handle.write(utf8("short"), 0);
        await handle.close();
        expect(text(await backend.readFile("f.txt"))).toBe("short");
      }));

    it("wx creates a new file and fails ALREADY_EXISTS on an existing one, which it leaves alone", () =>
      withRoot(target, async ({ backend }) => {
        const handle = await backend.open("f.txt", "wx");
        await handle.write(utf8("first"), 0);
        await handle.close();
        const err = await expectError(backend.open("f.txt", "wx"), ErrorCode.ALREADY_EXISTS);
        expect(err.path).toBe("f.txt");
        expect(text(await backend.readFile("f.txt"))).toBe("first");
      }));

    it("a creates a missing file and appends at the end whatever position is given", () =>
      withRoot(target, async ({ backend }) => {
        const fresh = await backend.open("log.txt", "a");
        await fresh.write(utf8("one\n"));
        await fresh.close();
        const handle = await backend.open("log.txt", "a");
        await handle.write(utf8("two\n"), 0);
        await handle.write(utf8("three\n"), 1);
        await handle.close();
        expect(text(await backend.readFile("log.txt"))).toBe("one\ntwo\nthree\n");
      }));

    it("a appends after writes made through another handle", () =>
      withRoot(target, async ({ backend }) => {
        const appender = await backend.open("log.txt", "a");
        await appender.write(utf8("A"));
        const other = await backend.open("log.txt", "r+");
        await other.write(utf8("BB"), 1);
        await appender.write(utf8("C"));
        await other.close();
        await appender.close();
        expect(text(await backend.readFile("log.txt"))).toBe("ABBC");
      }));
  });

  describe(titleOf(target, "backend primitives: file handles"), () => {
    it("writes at positions overwrite and extend; a hole reads as zeros", () =>
      withRoot(target, async ({ backend }) => {
        await writeFile(backend, "f.bin", "");
        const handle = await backend.open("f.bin", "r+");
        expect(await handle.write(utf8("hello"), 0)).toBe(5);
        await handle.write(utf8("XY"), 1);
        expect(text(await handle.read(5, 0))).toBe("hXYlo");
        await handle.write(utf8("!"), 8);
        expect(Array.from(await handle.read(4, 5))).toEqual([0, 0, 0, 0x21]);
        expect((await handle.stat()).size).toBe(9);
        await handle.close();
        expect(Array.from(await backend.readFile("f.bin"))).toEqual([...utf8("hXYlo"), 0, 0, 0, 0x21]);
      }));

    it("writes without a position continue at the current offset", () =>
      withRoot(target, async ({ backend }) => {
        const handle = await backend.open("f.txt", "w");
        await handle.write(utf8("ab"));
        await handle.write(utf8("cd"));
        await handle.close();
        expect(text(await backend.readFile("f.txt"))).toBe("abcd");
      }));

    it("a read past the end is short, and empty at or beyond EOF", () =>
      withRoot(target, async ({ backend }) => {
        await writeFile(backend, "f.txt", "hello");
        const handle = await backend.open("f.txt", "r");
        expect(text(await handle.read(10, 2))).toBe("llo");
        expect((await handle.read(4, 5)).length).toBe(0);
        expect((await handle.read(4, 100)).length).toBe(0);
        expect((await handle.read(0, 0)).length).toBe(0);
        await handle.close();
      }));

    it("truncate cuts and extends with zeros", () =>
      withRoot(target, async ({ backend }) => {
        await writeFile(backend, "f.txt", "hello world");
        const handle = await backend.open("f.txt", "r+");
        await handle.truncate(5);
        expect((await handle.stat()).size).toBe(5);
        expect(text(await handle.read(100, 0))).toBe("hello");
        await handle.truncate(7);
        expect(Array.from(await handle.read(100, 5))).toEqual([0, 0]);
        await handle.truncate(0);
        await handle.close();
        expect((await backend.stat("f.txt")).size).toBe(0);
      }));

    it("sync and datasync resolve, and the data stays readable after close", () =>
      withRoot(target, async ({ backend }) => {
        const handle = await backend.open("f.txt", "wx");
        expect(handle.path).toBe("f.txt");
        await handle.write(utf8("durable"), 0);
        await handle.datasync();
        await handle.sync();
        const stat = await handle.stat();
        expect(stat.kind).toBe("file");
        expect(stat.size).toBe(7);
        await handle.close();
        await backend.syncDir("");
        expect(text(await backend.readFile("f.txt"))).toBe("durable");
      }));
  });
}
