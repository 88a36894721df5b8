import { ErrorCode, LivingReportsError, type StorageBackend } from "@living-reports/core";
import { describe, expect, it } from "vitest";
import { utf8 } from "../support/bytes.js";
import { expectError } from "../support/expectError.js";
import { writeFile } from "../support/files.js";
import { treeListing } from "../support/treeListing.js";
import type { ConformanceTarget } from "../target.js";
import { titleOf, withRoot } from "../withRoot.js";

/** Paths every backend must refuse with INVALID_PATH, each with why. */
export const BAD_PATHS: readonly (readonly [path: string, why: string])[] = [
  ["..", "parent segment"],
  ["../outside.txt", "leading parent segment"],
  ["a/../b", "inner parent segment"],
  ["a/./b", "dot segment"],
  ["/etc/passwd", "absolute"],
  ["a\0b", "NUL byte"],
  ["a\\b", "backslash"],
  ["a//b", "empty segment"],
  [`${"x".repeat(256)}`, "segment over 255 bytes"],
  [Array.from({ length: 20 }, () => "y".repeat(250)).join("/"), "path over 4096 bytes"],
];

/**
 * Every primitive that takes a path, called with `bad` in each of its path arguments (`link` only
 * where the backend has hard links: without them it may refuse for that reason first).
 */
function callsWith(backend: StorageBackend, bad: string): [string, () => Promise<unknown>][] {
  const calls: [string, () => Promise<unknown>][] = [
    ["open r", () => backend.open(bad, "r")],
    ["open w", () => backend.open(bad, "w")],
    ["open wx", () => backend.open(bad, "wx")],
    ["open a", () => backend.open(bad, "a")],
    ["readFile", () => backend.readFile(bad)],
    ["syncDir", () => backend.syncDir(bad)],
    ["rename from", () => backend.rename(bad, "dir/new.txt")],
    ["rename to", () => backend.rename("dir/file.txt", bad)],
    ["unlink", () => backend.unlink(bad)],
    ["mkdir", () => backend.mkdir(bad)],
    ["rmdir", () => backend.rmdir(bad)],
    ["readdir", () => backend.readdir(bad)],
    ["stat", () => backend.stat(bad)],
    ["utimes", () => backend.utimes(bad, 0)],
  ];
  if (backend.capabilities.hardLinks) {
    calls.push(["link existing", () => backend.link(bad, "dir/new.txt")]);
    calls.push(["link to", () => backend.link("dir/file.txt", bad)]);
  }
  return calls;
}

/** Path confinement (G8), wrong kinds of file, and the shape of the errors backends throw. */
export function describePathChecks(target: ConformanceTarget): void {
  describe(titleOf(target, "backend primitives: paths and errors"), () => {
    it.each(BAD_PATHS)("refuses %j (%s) with INVALID_PATH on every primitive, touching nothing", (bad) =>
      withRoot(target, async ({ backend }) => {
        await backend.mkdir("dir");
        await writeFile(backend, "dir/file.txt", "content");
        const before = await treeListing(backend);
        for (const [name, call] of callsWith(backend, bad)) {
          const err = await expectError(call(), ErrorCode.INVALID_PATH).catch((cause: unknown) => {
            throw new Error(`${name} did not refuse ${JSON.stringify(bad)}`, { cause });
          });
          expect(err.path, `${name}: error names the path`).toBeDefined();
        }
        expect(await treeListing(backend)).toEqual(before);
      }),
    );

    it("a file where a directory should be is WRONG_KIND or NOT_FOUND, never a success", () =>
      withRoot(target, async ({ backend }) => {
        await writeFile(backend, "file", "x");
        const before = await treeListing(backend);
        const kinds = [ErrorCode.WRONG_KIND, ErrorCode.NOT_FOUND];
        await expectError(backend.open("file/x", "r"), kinds);
        await expectError(backend.open("file/x", "w"), kinds);
        await expectError(backend.mkdir("file/x"), kinds);
        await expectError(backend.readdir("file"), kinds);
        await expectError(backend.stat("file/x"), kinds);
        await expectError(backend.rename("file", "file/x"), [...kinds, ErrorCode.STORAGE_FAILURE]);
        expect(await treeListing(backend)).toEqual(before);
      }));

    it("a directory where a file should be is refused with a typed error", () =>
      withRoot(target, async ({ backend }) => {
        await backend.mkdir("d");
        await expectError(backend.readFile("d"), [ErrorCode.WRONG_KIND, ErrorCode.STORAGE_FAILURE]);
        await expectError(backend.open("d", "w"), [ErrorCode.WRONG_KIND, ErrorCode.STORAGE_FAILURE]);
        expect((await backend.stat("d")).kind).toBe("directory");
      }));

    it("errors are LivingReportsErrors naming the path, with the system error as cause", () =>
      withRoot(target, async ({ backend }) => {
        const attempts: [string, () => Promise<unknown>][] = [
          ["nope/a.txt", () => backend.open("nope/a.txt", "r")],
          ["nope/b.txt", () => backend.readFile("nope/b.txt")],
          ["nope", () => backend.readdir("nope")],
          ["nope/c", () => backend.unlink("nope/c")],
        ];
        for (const [path, attempt] of attempts) {
          const err = await expectError(attempt(), ErrorCode.NOT_FOUND);
          expect(err).toBeInstanceOf(LivingReportsError);
          expect(err.path).toBe(path);
          expect(err.cause, `cause of ${err.message}`).toBeDefined();
        }
        const handle = await backend.open("f.txt", "w");
        await handle.write(utf8("x"), 0);
        await handle.close();
        const exists = await expectError(backend.open("f.txt", "wx"), ErrorCode.ALREADY_EXISTS);
        expect(exists.path).toBe("f.txt");
        expect(exists.cause).toBeDefined();
      }));
  });
}
