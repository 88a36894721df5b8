import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { isLivingReportsError, type StorageBackend } from "@living-reports/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type FsyncApi, nodeFsBackend } from "../src/index.js";
import { NodeFileHandle } from "../src/nodeFileHandle.js";
import { SyncScheduler } from "../src/syncScheduler.js";

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (b: Uint8Array): string => new TextDecoder().decode(b);

/** Resolves to the error's code, or fails the test if `promise` resolves. */
async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (isLivingReportsError(err)) return err.code;
    throw err;
  }
  throw new Error("expected a rejection");
}

let base: string;
let root: string;
let outside: string;
let backend: StorageBackend;

beforeEach(() => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), "lr-nodefs-"));
  root = path.join(base, "root");
  outside = path.join(base, "outside");
  fs.mkdirSync(root);
  fs.mkdirSync(outside);
  fs.writeFileSync(path.join(outside, "secret"), "secret");
  backend = nodeFsBackend({ root });
});

afterEach(() => {
  fs.rmSync(base, { recursive: true, force: true });
});

describe("nodeFsBackend: the root", () => {
  it("refuses a missing root unless asked to create it, then creates it with its parents", () => {
    const missing = path.join(base, "a", "b");
    expect(() => nodeFsBackend({ root: missing })).toThrow(expect.objectContaining({ code: "NOT_FOUND" }));
    expect(fs.existsSync(missing)).toBe(false);
    nodeFsBackend({ root: missing, create: true });
    expect(fs.statSync(missing).isDirectory()).toBe(true);
  });

  it("refuses a root that is a file", () => {
    const file = path.join(base, "file");
    fs.writeFileSync(file, "");
    expect(() => nodeFsBackend({ root: file })).toThrow(expect.objectContaining({ code: "WRONG_KIND" }));
  });

  it("names its storage by the root's real path, so instances over one directory share an id", () => {
    fs.symlinkSync(root, path.join(base, "alias"));
    const viaAlias = nodeFsBackend({ root: path.join(base, "alias") });
    expect(backend.storageId).toBe(`node-fs:${fs.realpathSync(root)}`);
    expect(viaAlias.storageId).toBe(backend.storageId);
    expect(backend.capabilities).toEqual({
      name: "node-fs",
      hardLinks: true,
      directorySync: process.platform !== "win32",
      durability: "real",
    });
  });
});

describe("nodeFsBackend: confinement by name", () => {
  const escapes = ["../outside/secret", "/etc/passwd", "a/../../outside/secret", "a\0b", "a\\..\\b"];

  it.each(escapes)("refuses %j with INVALID_PATH before touching the disk", async (bad) => {
    expect(await codeOf(backend.readFile(bad))).toBe("INVALID_PATH");
    expect(await codeOf(backend.open(bad, "w"))).toBe("INVALID_PATH");
    expect(await codeOf(backend.mkdir(bad))).toBe("INVALID_PATH");
    expect(await codeOf(backend.rename("x", bad))).toBe("INVALID_PATH");
    expect(await codeOf(backend.unlink(bad))).toBe("INVALID_PATH");
    expect(fs.readdirSync(outside)).toEqual(["secret"]);
    expect(fs.readdirSync(root)).toEqual([]);
  });
});

describe("nodeFsBackend: symlinks are never followed out of the root", () => {
  beforeEach(() => {
    fs.symlinkSync(outside, path.join(root, "dirlink"));
    fs.symlinkSync(path.join(outside, "secret"), path.join(root, "filelink"));
    fs.symlinkSync(path.join(outside, "created"), path.join(root, "dangling"));
    fs.writeFileSync(path.join(root, "real"), "real");
  });

  const untouched = (): void => {
    expect(fs.readdirSync(outside)).toEqual(["secret"]);
    expect(fs.readFileSync(path.join(outside, "secret"), "utf8")).toBe("secret");
  };

  it("refuses a symlink as the last component, naming the path", async () => {
    const err = await backend.readFile("filelink").catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "INVALID_PATH", path: "filelink" });
    for (const mode of ["r", "r+", "w", "a"] as const) {
      expect(await codeOf(backend.open("filelink", mode))).toBe("INVALID_PATH");
    }
    expect(await codeOf(backend.open("dangling", "w"))).toBe("INVALID_PATH");
    expect(await codeOf(backend.open("dangling", "a"))).toBe("INVALID_PATH");
    expect(await codeOf(backend.utimes("filelink", 0))).toBe("INVALID_PATH");
    expect(await codeOf(backend.readdir("dirlink"))).toBe("INVALID_PATH");
    expect(await codeOf(backend.syncDir("dirlink"))).toBe("INVALID_PATH");
    expect(await codeOf(backend.link("filelink", "copy"))).toBe("INVALID_PATH");
    untouched();
  });

  it("refuses a symlink among the directories of a path", async () => {
    const err = await backend.open("dirlink/new", "w").catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "INVALID_PATH", path: "dirlink/new" });
    expect(await codeOf(backend.readFile("dirlink/secret"))).toBe("INVALID_PATH");
    expect(await codeOf(backend.stat("dirlink/secret"))).toBe("INVALID_PATH");
    expect(await codeOf(backend.mkdir("dirlink/d"))).toBe("INVALID_PATH");
    expect(await codeOf(backend.unlink("dirlink/secret"))).toBe("INVALID_PATH");
    expect(await codeOf(backend.rename("real", "dirlink/moved"))).toBe("INVALID_PATH");
    expect(await codeOf(backend.link("real", "dirlink/linked"))).toBe("INVALID_PATH");
    expect(await codeOf(backend.utimes("dirlink/secret", 0))).toBe("INVALID_PATH");
    untouched();
  });

  it("reports a symlink by lstat without following it", async () => {
    expect((await backend.stat("dirlink")).kind).toBe("symlink");
    expect((await backend.stat("filelink")).kind).toBe("symlink");
  });

  it("re-checks a directory it renamed or removed itself before using that name again", async () => {
    for (const remove of ["rename", "rmdir"] as const) {
      await backend.mkdir("d");
      const h = await backend.open("d/f", "w");
      await h.close();
      await backend.unlink("d/f");
      if (remove === "rename") await backend.rename("d", "d2");
      else await backend.rmdir("d");
      fs.symlinkSync(outside, path.join(root, "d"));
      expect(await codeOf(backend.open("d/f", "w"))).toBe("INVALID_PATH");
      fs.unlinkSync(path.join(root, "d"));
      fs.rmSync(path.join(root, "d2"), { recursive: true, force: true });
    }
    untouched();
  });
});

describe("nodeFsBackend: errors keep their cause", () => {
  it("maps ENOENT, EEXIST, ENOTDIR and EISDIR", async () => {
    const err = await backend.readFile("missing").catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "NOT_FOUND", path: "missing", syscode: "ENOENT" });
    expect((err as Error).cause).toMatchObject({ code: "ENOENT" });
    await backend.mkdir("d");
    expect(await codeOf(backend.mkdir("d"))).toBe("ALREADY_EXISTS");
    expect(await codeOf(backend.open("d", "r"))).toBe("WRONG_KIND");
    expect(await codeOf(backend.readFile("d"))).toBe("WRONG_KIND");
    fs.writeFileSync(path.join(root, "f"), "");
    expect(await codeOf(backend.open("f/x", "w"))).toBe("WRONG_KIND");
    expect(await codeOf(backend.syncDir("f"))).toBe("WRONG_KIND");
    expect(await codeOf(backend.stat("nope/x"))).toBe("NOT_FOUND");
    expect(await codeOf(backend.open("f", "wx"))).toBe("ALREADY_EXISTS");
  });

  it.each(["sync", "promise"] satisfies FsyncApi[])(
    "maps a failed fsync (fsyncApi %s) to FSYNC_FAILED keeping the cause",
    async (fsyncApi) => {
      // A healthy disk does not fail fsync on demand; a descriptor that is not open does.
      const handle = new NodeFileHandle("f", 1 << 20, "w", new SyncScheduler(), fsyncApi);
      for (const flush of [() => handle.sync(), () => handle.datasync()]) {
        const err = await flush().catch((e: unknown) => e);
        expect(err).toMatchObject({ code: "FSYNC_FAILED", path: "f", syscode: "EBADF" });
        expect((err as Error).cause).toMatchObject({ code: "EBADF" });
      }
    },
  );

  // Tests run as root here, and chmod does not stop root: only a non-root run can check EACCES.
  it.skipIf(process.getuid?.() === 0 || process.platform === "win32")(
    "maps EACCES on a read-only file to PERMISSION_DENIED",
    async () => {
      fs.writeFileSync(path.join(root, "ro"), "x");
      fs.chmodSync(path.join(root, "ro"), 0o444);
      expect(await codeOf(backend.open("ro", "r+"))).toBe("PERMISSION_DENIED");
    },
  );
});

describe("nodeFsBackend: files and directories", () => {
  it("lists a directory sorted", async () => {
    for (const name of ["b", "c", "a", "B"]) fs.writeFileSync(path.join(root, name), "");
    expect(await backend.readdir("")).toEqual(["B", "a", "b", "c"]);
  });

  it("writes at positions, appends at the end, reads short at the end of file", async () => {
    const h = await backend.open("f", "w");
    expect(await h.write(bytes("hello world"))).toBe(11);
    await h.write(bytes("W"), 6);
    await h.sync();
    await h.close();
    const a = await backend.open("f", "a");
    await a.write(bytes("!"), 0);
    await a.datasync();
    await a.close();
    const r = await backend.open("f", "r");
    expect(text(await r.read(100, 0))).toBe("hello World!");
    expect(text(await r.read(5, 6))).toBe("World");
    expect((await r.stat()).size).toBe(12);
    await r.close();
    await r.close();
    expect(await codeOf(r.read(1, 0))).toBe("CLOSED");
  });

  it("truncates, hard-links and sets modification times", async () => {
    const h = await backend.open("f", "w");
    await h.write(bytes("abcdef"));
    await h.truncate(3);
    await h.close();
    await backend.link("f", "g");
    expect(text(await backend.readFile("g"))).toBe("abc");
    expect((await backend.stat("g")).ino).toBe((await backend.stat("f")).ino);
    await backend.utimes("f", 1_000_000_000_000);
    expect((await backend.stat("f")).mtimeMs).toBe(1_000_000_000_000);
  });

  it.each(["adaptive", "sync", "promise"] satisfies FsyncApi[])(
    "keeps every line of 8 concurrent appenders with fsyncApi %s",
    async (fsyncApi) => {
      const b = nodeFsBackend({ root, fsyncApi });
      const appender = async (n: number): Promise<void> => {
        const h = await b.open("log", "a");
        for (let i = 0; i < 10; i++) {
          await h.write(bytes(`${n}:${i}\n`));
          await h.datasync();
        }
        await h.close();
      };
      await Promise.all(Array.from({ length: 8 }, (_, n) => appender(n)));
      await b.syncDir("");
      const lines = text(await b.readFile("log"))
        .trim()
        .split("\n");
      expect(lines.sort()).toEqual(
        Array.from({ length: 8 }, (_, n) => Array.from({ length: 10 }, (_, i) => `${n}:${i}`))
          .flat()
          .sort(),
      );
    },
  );
});
