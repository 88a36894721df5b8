import { type LivingReportsError, systemClock } from "@living-reports/core";
import { describe, expect, it } from "vitest";
import { createMemfsDisk, MEMFS_CAPABILITIES, memfsBackend, VirtualClock } from "../src/index.js";
import { bytes, get, put } from "./helpers.js";

const code = (c: string, path?: string) =>
  expect.objectContaining(path === undefined ? { code: c } : { code: c, path }) as LivingReportsError;

describe("memfs backend specifics", () => {
  it("reports its capabilities and a storageId shared by the instances of one disk", () => {
    const disk = createMemfsDisk();
    expect(disk.backend().capabilities).toEqual({
      name: "memfs",
      hardLinks: true,
      directorySync: true,
      durability: "simulated",
    });
    expect(MEMFS_CAPABILITIES.name).toBe("memfs");
    expect(disk.backend().storageId).toBe(disk.backend().storageId);
    expect(disk.backend().storageId).not.toBe(createMemfsDisk().backend().storageId);
  });

  it("shares one disk between instances, like processes", async () => {
    const b = memfsBackend();
    const other = b.disk.backend();
    await put(b, "f", "one");
    expect(await get(other, "f")).toBe("one");
    expect(await other.readdir("")).toEqual(["f"]);
  });

  it("never follows a symlink: as the leaf or on the way", async () => {
    const disk = createMemfsDisk({ files: { "real/f": "secret" } });
    disk.unsafeVolume().symlinkSync("/real", "/link");
    disk.unsafeVolume().symlinkSync("/real/f", "/flink");
    const b = disk.backend();
    await expect(b.readFile("link/f")).rejects.toEqual(code("INVALID_PATH", "link/f"));
    await expect(b.readFile("flink")).rejects.toEqual(code("INVALID_PATH", "flink"));
    await expect(b.open("flink", "r+")).rejects.toEqual(code("INVALID_PATH"));
    await expect(b.open("link/new", "w")).rejects.toEqual(code("INVALID_PATH"));
    await expect(b.readdir("link")).rejects.toEqual(code("INVALID_PATH"));
    await expect(b.rename("link/f", "g")).rejects.toEqual(code("INVALID_PATH"));
    await expect(b.link("flink", "g")).rejects.toEqual(code("INVALID_PATH"));
    await expect(b.stat("link/f")).rejects.toEqual(code("INVALID_PATH"));
    expect((await b.stat("link")).kind).toBe("symlink");
    expect(disk.unsafeVolume().existsSync("/real/new")).toBe(false);
    await b.unlink("link");
    expect(disk.unsafeVolume().existsSync("/real/f")).toBe(true);
  });

  it("maps errors to typed codes with the path and the original cause", async () => {
    const disk = createMemfsDisk({ files: { "d/f": "x" } });
    const b = disk.backend();
    const missing = await b.readFile("d/nope").catch((e: unknown) => e as LivingReportsError);
    expect(missing).toMatchObject({ code: "NOT_FOUND", path: "d/nope", syscode: "ENOENT" });
    expect((missing as Error).cause).toMatchObject({ code: "ENOENT" });
    await expect(b.open("d/f/x", "w")).rejects.toEqual(code("WRONG_KIND"));
    await expect(b.open("d/f", "wx")).rejects.toEqual(code("ALREADY_EXISTS"));
    await expect(b.mkdir("d")).rejects.toEqual(code("ALREADY_EXISTS"));
    await expect(b.rmdir("d")).rejects.toEqual(code("STORAGE_FAILURE"));
    await expect(b.unlink("d")).rejects.toEqual(code("WRONG_KIND"));
    await expect(b.syncDir("nope")).rejects.toEqual(code("NOT_FOUND"));
    await expect(b.readFile("../etc/passwd")).rejects.toEqual(code("INVALID_PATH"));
    await expect(b.rename("d", "d/inside")).rejects.toEqual(code("STORAGE_FAILURE"));
    await expect(b.link("d", "e")).rejects.toEqual(code("PERMISSION_DENIED"));
    expect(disk.pendingChanges()).toEqual([]);
  });

  it("refuses reads on write-only handles, writes on read-only ones, and use after close", async () => {
    const disk = createMemfsDisk({ files: { f: "abc" } });
    const b = disk.backend();
    const ro = await b.open("f", "r");
    await expect(ro.write(bytes("x"), 0)).rejects.toEqual(code("STORAGE_FAILURE"));
    await expect(ro.truncate(0)).rejects.toEqual(code("STORAGE_FAILURE"));
    await ro.close();
    await ro.close();
    await expect(ro.read(1, 0)).rejects.toEqual(code("CLOSED"));
    await expect(ro.sync()).rejects.toEqual(code("CLOSED"));
    const wo = await b.open("f", "a");
    await expect(wo.read(1, 0)).rejects.toEqual(code("STORAGE_FAILURE"));
    await expect(wo.write(bytes("x"), -1)).resolves.toBe(1);
    await wo.close();
    const rw = await b.open("f", "r+");
    await expect(rw.read(-1, 0)).rejects.toEqual(code("INVALID_INPUT"));
    await rw.close();
    expect(await get(b, "f")).toBe("abcx");
  });

  it("renames over a file atomically and treats a rename onto the same inode as a no-op", async () => {
    const disk = createMemfsDisk({ files: { a: "A", b: "B" } });
    const b = disk.backend();
    await b.link("a", "a2");
    const before = disk.pendingChanges().length;
    await b.rename("a", "a2");
    expect(disk.pendingChanges().length).toBe(before);
    expect(await b.readdir("")).toEqual(["a", "a2", "b"]);
    await b.rename("a", "b");
    expect(disk.toJSON()).toEqual({ a2: "A", b: "A" });
  });

  it("keeps a file written through an open handle after its name is unlinked and the inode reused", async () => {
    const disk = createMemfsDisk({ files: { f: "" } });
    const b = disk.backend();
    const h = await b.open("f", "r+");
    await b.unlink("f");
    await put(b, "g", "G");
    await h.write(bytes("orphan"), 0);
    // The orphan's data goes to its own inode, never to g (memfs reuses the inode number).
    const orphanWrite = disk.pendingChanges().find((c) => c.kind === "write" && c.path === "f");
    expect(orphanWrite).toMatchObject({ kind: "write" });
    expect(orphanWrite).not.toMatchObject({ inode: (await b.stat("g")).ino });
    expect((await h.stat()).ino).not.toBe((await b.stat("g")).ino);
    await h.sync();
    await h.close();
    expect(await get(b, "g")).toBe("G");
  });

  it("stamps mtimes from the disk's clock, and keeps them across a crash", async () => {
    const clock = new VirtualClock(1_000_000);
    const disk = createMemfsDisk({ clock });
    const b = disk.backend();
    await b.mkdir("lock");
    expect((await b.stat("lock")).mtimeMs).toBe(1_000_000);
    await b.syncDir("");
    await clock.advance(5_000);
    await put(b, "f", "x");
    expect((await b.stat("f")).mtimeMs).toBe(1_005_000);
    expect((await b.stat("")).mtimeMs).toBe(1_005_000);
    await b.utimes("lock", 42);
    const crashed = disk.crash({ mode: "drop" });
    expect((await crashed.backend().stat("lock")).mtimeMs).toBe(42);
  });

  it("accepts any clock", async () => {
    const b = memfsBackend({ clock: systemClock });
    const before = Date.now();
    await b.mkdir("d");
    expect((await b.stat("d")).mtimeMs).toBeGreaterThanOrEqual(before);
  });

  it("starts from initial files, all durable, and refuses conflicting ones", () => {
    const disk = createMemfsDisk({ files: { "a/b/c": "1", "a/d": new Uint8Array([104, 105]) } });
    expect(disk.toJSON()).toEqual({ a: null, "a/b": null, "a/b/c": "1", "a/d": "hi" });
    expect(disk.crash({ mode: "drop" }).toJSON()).toEqual(disk.toJSON());
    expect(() => createMemfsDisk({ files: { a: "1", "a/b": "2" } })).toThrow(code("INVALID_INPUT"));
    expect(() => createMemfsDisk({ files: { "../a": "1" } })).toThrow(code("INVALID_PATH"));
  });
});

describe("VirtualClock", () => {
  it("fires due timers in order, each at its own time, and lets their async work settle", async () => {
    const clock = new VirtualClock(0);
    const seen: string[] = [];
    clock.setTimeout(() => seen.push(`b@${clock.now()}`), 20);
    clock.setTimeout(() => seen.push(`a@${clock.now()}`), 10);
    const cleared = clock.setTimeout(() => seen.push("never"), 15);
    clock.clearTimeout(cleared);
    clock.setTimeout(() => {
      void Promise.resolve().then(() => {
        seen.push(`async@${clock.now()}`);
        clock.setTimeout(() => seen.push(`chained@${clock.now()}`), 5);
      });
    }, 10);
    await clock.advance(25);
    expect(seen).toEqual(["a@10", "async@10", "chained@15", "b@20"]);
    expect(clock.now()).toBe(25);
    clock.setTimeout(() => seen.push("late"), 100);
    await clock.advance(50);
    expect(clock.pendingTimers).toBe(1);
    await expect(clock.advance(-1)).rejects.toEqual(code("INVALID_INPUT"));
  });

  it("serialises overlapping advances", async () => {
    const clock = new VirtualClock(0);
    await Promise.all([clock.advance(10), clock.advance(5)]);
    expect(clock.now()).toBe(15);
  });
});
