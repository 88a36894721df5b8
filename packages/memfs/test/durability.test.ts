import { describe, expect, it } from "vitest";
import { createMemfsDisk, MemfsDisk } from "../src/index.js";
import { bytes, edit, get, put } from "./helpers.js";

const durableFile = (): MemfsDisk => createMemfsDisk({ files: { "d/f": "old" } });

describe("memfs durability model: file data (docs/CRASH-MODEL.md)", () => {
  it("loses an unsynced write under drop and keeps a synced one", async () => {
    const disk = durableFile();
    const b = disk.backend();
    await edit(b, "d/f", (h) => h.write(bytes("new"), 0));
    expect(await get(b, "d/f")).toBe("new");
    expect(disk.crash({ mode: "drop" }).toJSON()).toEqual({ d: null, "d/f": "old" });

    await edit(b, "d/f", (h) => h.sync());
    expect(disk.crash({ mode: "drop" }).toJSON()).toEqual({ d: null, "d/f": "new" });
  });

  it("makes data durable with datasync too, and never with close", async () => {
    const disk = durableFile();
    const b = disk.backend();
    await edit(b, "d/f", (h) => h.write(bytes("NEW"), 0));
    expect(disk.crash({ mode: "drop" }).toJSON()["d/f"]).toBe("old");
    await edit(b, "d/f", (h) => h.datasync());
    expect(disk.crash({ mode: "drop" }).toJSON()["d/f"]).toBe("NEW");
  });

  it("keeps a truncate only once synced", async () => {
    const disk = createMemfsDisk({ files: { f: "hello" } });
    const b = disk.backend();
    await edit(b, "f", (h) => h.truncate(2));
    expect(await get(b, "f")).toBe("he");
    expect(disk.crash({ mode: "drop" }).toJSON()).toEqual({ f: "hello" });
    await edit(b, "f", (h) => h.sync());
    expect(disk.crash({ mode: "drop" }).toJSON()).toEqual({ f: "he" });
  });

  it("treats open(w) of an existing file as a volatile truncate", async () => {
    const disk = durableFile();
    const b = disk.backend();
    await (await b.open("d/f", "w")).close();
    expect(await get(b, "d/f")).toBe("");
    expect(disk.pendingChanges().map((c) => c.kind)).toEqual(["truncate"]);
    expect(disk.crash({ mode: "drop" }).toJSON()["d/f"]).toBe("old");
  });

  it("appends at the end whatever the position, each append its own change", async () => {
    const disk = durableFile();
    const b = disk.backend();
    const h = await b.open("d/f", "a");
    await h.write(bytes("A"), 0);
    await h.write(bytes("B"));
    await h.close();
    expect(await get(b, "d/f")).toBe("oldAB");
    expect(disk.pendingChanges()).toMatchObject([
      { kind: "write", offset: 3, path: "d/f" },
      { kind: "write", offset: 4, path: "d/f" },
    ]);
  });
});

describe("memfs durability model: directory entries (docs/CRASH-MODEL.md)", () => {
  it("loses a synced file whose directory entry was never synced", async () => {
    const disk = durableFile();
    const b = disk.backend();
    await put(b, "d/g", "data", true);
    expect(disk.crash({ mode: "drop" }).toJSON()).toEqual({ d: null, "d/f": "old" });
    await b.syncDir("d");
    expect(disk.crash({ mode: "drop" }).toJSON()).toEqual({ d: null, "d/f": "old", "d/g": "data" });
  });

  it("keeps a durable entry with only the durable data (empty for a new file)", async () => {
    const disk = durableFile();
    const b = disk.backend();
    await put(b, "d/g", "data", false);
    await b.syncDir("d");
    expect(disk.crash({ mode: "drop" }).toJSON()["d/g"]).toBe("");
  });

  it("makes mkdir and rmdir durable at the parent's sync", async () => {
    const disk = durableFile();
    const b = disk.backend();
    await b.mkdir("e");
    expect(disk.crash({ mode: "drop" }).toJSON()).not.toHaveProperty("e");
    await b.syncDir("");
    expect(disk.crash({ mode: "drop" }).toJSON()).toHaveProperty("e", null);
    await b.rmdir("e");
    expect(disk.crash({ mode: "drop" }).toJSON()).toHaveProperty("e", null);
    await b.syncDir("");
    expect(disk.crash({ mode: "drop" }).toJSON()).not.toHaveProperty("e");
  });

  it("brings an unlinked file back until the unlink is synced", async () => {
    const disk = durableFile();
    const b = disk.backend();
    await b.unlink("d/f");
    expect(disk.crash({ mode: "drop" }).toJSON()["d/f"]).toBe("old");
    await b.syncDir("d");
    expect(disk.crash({ mode: "drop" }).toJSON()).toEqual({ d: null });
  });

  it("makes a rename durable only after the directory sync, as one atomic change", async () => {
    const disk = durableFile();
    const b = disk.backend();
    await put(b, "d/f.tmp", "new", true);
    await b.syncDir("d");
    await b.rename("d/f.tmp", "d/f");
    const pending = disk.pendingChanges();
    expect(pending).toMatchObject([{ kind: "rename", path: "d/f", name: "f", from: "f.tmp" }]);
    expect(disk.crash({ mode: "drop" }).toJSON()).toEqual({ d: null, "d/f": "old", "d/f.tmp": "new" });
    const kept = disk.crashWith({ keep: new Set(pending.map((c) => c.id)) }).toJSON();
    expect(kept).toEqual({ d: null, "d/f": "new" });
    await b.syncDir("d");
    expect(disk.crash({ mode: "drop" }).toJSON()).toEqual({ d: null, "d/f": "new" });
  });

  it("splits a cross-directory rename into a removal and an addition, each durable at its own sync", async () => {
    const start = (): MemfsDisk => createMemfsDisk({ files: { "a/f": "x", "b/keep": "" } });
    const onlyTarget = start();
    await onlyTarget.backend().rename("a/f", "b/f");
    expect(onlyTarget.pendingChanges().map((c) => c.kind)).toEqual(["renameOut", "renameIn"]);
    await onlyTarget.backend().syncDir("b");
    // The addition is durable, the removal is not: the inode has two names after the crash.
    const both = onlyTarget.crash({ mode: "drop" });
    expect(both.toJSON()).toMatchObject({ "a/f": "x", "b/f": "x" });
    expect((await both.backend().stat("a/f")).ino).toBe((await both.backend().stat("b/f")).ino);

    const onlySource = start();
    await onlySource.backend().rename("a/f", "b/f");
    await onlySource.backend().syncDir("a");
    expect(onlySource.crash({ mode: "drop" }).toJSON()).toEqual({ a: null, b: null, "b/keep": "" });

    await onlySource.backend().syncDir("b");
    expect(onlySource.crash({ mode: "drop" }).toJSON()).toEqual({
      a: null,
      b: null,
      "b/f": "x",
      "b/keep": "",
    });
  });

  it("keeps hard links as one inode: data synced through one name shows through the other", async () => {
    const disk = durableFile();
    const b = disk.backend();
    await b.link("d/f", "d/g");
    expect(disk.crash({ mode: "drop" }).toJSON()).not.toHaveProperty("d/g");
    await b.syncDir("d");
    await edit(b, "d/g", async (h) => {
      await h.write(bytes("NEW"), 0);
      await h.sync();
    });
    const after = disk.crash({ mode: "drop" });
    expect(after.toJSON()).toEqual({ d: null, "d/f": "NEW", "d/g": "NEW" });
    await edit(after.backend(), "d/f", (h) => h.write(bytes("X"), 0));
    expect(await get(after.backend(), "d/g")).toBe("XEW");
  });
});

describe("memfs crash modes", () => {
  /** A durable empty file with three unsynced appends A, B, C pending. */
  async function threeAppends(): Promise<MemfsDisk> {
    const disk = createMemfsDisk({ files: { log: "" } });
    const h = await disk.backend().open("log", "a");
    for (const part of ["A", "B", "C"]) await h.write(bytes(part));
    await h.close();
    return disk;
  }

  it("prefix keeps a prefix of each file's writes, and every prefix is reachable by some seed", async () => {
    const disk = await threeAppends();
    const seen = new Set<string>();
    for (let seed = 0; seed < 64; seed++) seen.add(disk.crash({ mode: "prefix", seed }).toJSON().log ?? "?");
    expect([...seen].sort()).toEqual(["", "A", "AB", "ABC"]);
  });

  it("prefix is the default mode and seeds are deterministic", async () => {
    const disk = await threeAppends();
    for (let seed = 0; seed < 8; seed++) {
      expect(disk.crash({ seed }).toJSON()).toEqual(disk.crash({ mode: "prefix", seed }).toJSON());
      expect(disk.crash({ mode: "reorder", seed }).toJSON()).toEqual(
        disk.crash({ mode: "reorder", seed }).toJSON(),
      );
    }
  });

  it("torn may cut the last kept write at any byte, and only that one", async () => {
    const disk = createMemfsDisk({ files: { f: "" } });
    await edit(disk.backend(), "f", async (h) => {
      await h.write(bytes("0123"), 0);
      await h.write(bytes("456789"), 4);
    });
    const seen = new Set<string>();
    for (let seed = 0; seed < 200; seed++) {
      const text = disk.crash({ mode: "torn", seed, fills: ["cut"] }).toJSON().f ?? "?";
      expect("0123456789".startsWith(text)).toBe(true);
      seen.add(text);
    }
    // Cuts inside the first write (its own tear as the last kept) and inside the second.
    expect(seen).toContain("01");
    expect(seen).toContain("01234");
    expect(seen.size).toBeGreaterThan(6);
  });

  it("torn may leave zeros or garbage past the tear, within the torn write only", async () => {
    const disk = createMemfsDisk({ files: { f: "" } });
    await edit(disk.backend(), "f", async (h) => {
      await h.write(bytes("0123"), 0);
      await h.write(bytes("456789"), 4);
    });
    const fills = new Set<string>();
    for (let seed = 0; seed < 200; seed++) {
      const volume = disk.crash({ mode: "torn", seed, fills: ["zeros", "garbage"] }).unsafeVolume();
      const data = Buffer.from(volume.readFileSync("/f") as Buffer);
      const good = [...data].findIndex((b, i) => b !== "0123456789".charCodeAt(i));
      if (good < 0) continue;
      const rest = data.subarray(good);
      // What is not as written runs to the end of a write (4 or 10), and is zeros or not.
      expect([4, 10]).toContain(data.length);
      fills.add(rest.every((b) => b === 0) ? "zeros" : "garbage");
    }
    expect([...fills].sort()).toEqual(["garbage", "zeros"]);
  });

  it("crashWith applies an explicit tear of a kept write", async () => {
    const disk = createMemfsDisk({ files: { f: "" } });
    await edit(disk.backend(), "f", (h) => h.write(bytes("ABCDEFGH"), 0));
    const [write] = disk.pendingChanges();
    if (write === undefined) throw new Error("no pending write");
    expect(disk.crashWith({ keep: new Set([write.id]), tear: { id: write.id, bytes: 3 } }).toJSON().f).toBe(
      "ABC",
    );
    expect(disk.crashWith({ keep: new Set(), tear: { id: write.id, bytes: 3 } }).toJSON().f).toBe("");
    const zeros = disk.crashWith({
      keep: new Set([write.id]),
      tear: { id: write.id, bytes: 3, fill: "zeros" },
    });
    expect(zeros.toJSON().f).toBe("ABC\0\0\0\0\0");
    const garbage = (fill: "garbage") =>
      Buffer.from(
        disk
          .crashWith({ keep: new Set([write.id]), tear: { id: write.id, bytes: 3, fill } })
          .unsafeVolume()
          .readFileSync("/f") as Buffer,
      );
    expect(garbage("garbage").subarray(0, 3).toString()).toBe("ABC");
    expect(garbage("garbage")).toHaveLength(8);
    expect(garbage("garbage").equals(garbage("garbage"))).toBe(true);
  });

  it("reorder can keep a later change without an earlier one", async () => {
    const disk = await threeAppends();
    const [, second] = disk.pendingChanges();
    if (second === undefined) throw new Error("no second write");
    // Explicitly: only B, written at offset 1, over a file whose A never landed.
    expect(disk.crashWith({ keep: new Set([second.id]) }).toJSON().log).toBe("\0B");
    // And some seed of the reorder mode does it too.
    const found = Array.from({ length: 64 }, (_, seed) => disk.crash({ mode: "reorder", seed }).toJSON().log);
    expect(found.some((log) => typeof log === "string" && log.startsWith("\0"))).toBe(true);
  });

  it("gives the crashed disk a new identity, the same clock, and no pending changes", async () => {
    const disk = await threeAppends();
    const crashed = disk.crash({ mode: "prefix", seed: 3 });
    expect(crashed.id).not.toBe(disk.id);
    expect(crashed.backend().storageId).toBe(`memfs:${crashed.id}`);
    expect(crashed.clock).toBe(disk.clock);
    expect(crashed.pendingChanges()).toEqual([]);
    expect(crashed.crash({ mode: "drop" }).toJSON()).toEqual(crashed.toJSON());
  });

  it("rejects an unknown crash mode", () => {
    // @ts-expect-error: checking the runtime guard
    expect(() => createMemfsDisk().crash({ mode: "explode" })).toThrow(
      expect.objectContaining({ code: "INVALID_INPUT" }),
    );
  });
});

describe("memfs snapshots", () => {
  it("restores live, durable and pending state, independent of the original", async () => {
    const disk = durableFile();
    const b = disk.backend();
    await put(b, "d/new", "N", true);
    await b.link("d/f", "d/hard");
    await edit(b, "d/f", (h) => h.write(bytes("OLD!"), 0));
    const snap = disk.snapshot();
    const copy = MemfsDisk.fromSnapshot(snap);
    await put(b, "d/later", "L");
    expect(copy.toJSON()).toEqual({ d: null, "d/f": "OLD!", "d/hard": "OLD!", "d/new": "N" });
    expect(copy.pendingChanges()).toEqual(snap.model.pending);
    for (const mode of ["drop", "prefix", "torn", "reorder"] as const) {
      for (let seed = 0; seed < 5; seed++) {
        const fromCopy = copy.crash({ mode, seed }).toJSON();
        expect(fromCopy).toEqual(MemfsDisk.fromSnapshot(snap).crash({ mode, seed }).toJSON());
      }
    }
    // The hard link survives the round trip as a hard link.
    await edit(copy.backend(), "d/hard", (h) => h.write(bytes("x"), 0));
    expect(await get(copy.backend(), "d/f")).toBe("xLD!");
  });
});
