import { describe, expect, it } from "vitest";
import { withFixedIds } from "../src/fixedIds.js";
import { createMemfsDisk, type MemfsDisk } from "../src/index.js";
import { bytes, put } from "./helpers.js";

/** A disk with durable `a.txt` and `d/`, then pending: a rewrite of a.txt, b.txt, d/c.txt, a link. */
async function diskWithPending(): Promise<MemfsDisk> {
  const disk = createMemfsDisk({ files: { "a.txt": "one", "d/keep.txt": "k" } });
  const backend = disk.backend();
  await put(backend, "a.txt", "two");
  await put(backend, "b.txt", "bee");
  await put(backend, "d/c.txt", "sea");
  await backend.link("b.txt", "d/b-link.txt");
  return disk;
}

/** Every subset of the pending changes, as selections. */
function allSubsets(disk: MemfsDisk): { keep: Set<number> }[] {
  const ids = disk.pendingChanges().map((c) => c.id);
  return Array.from({ length: 2 ** ids.length }, (_, mask) => ({
    keep: new Set(ids.filter((_, i) => (mask >>> i) & 1)),
  }));
}

describe("MemfsDisk.crashDigest", () => {
  it("is equal exactly when the crashed disks show the same files", async () => {
    const disk = await diskWithPending();
    const subsets = allSubsets(disk);
    expect(subsets.length).toBeGreaterThan(64);
    const byDigest = new Map<string, string>();
    const byFiles = new Map<string, string>();
    for (const selection of subsets) {
      const digest = disk.crashDigest(selection);
      const files = JSON.stringify(disk.crashWith(selection).toJSON());
      expect(byDigest.get(digest) ?? files).toBe(files);
      expect(byFiles.get(files) ?? digest).toBe(digest);
      byDigest.set(digest, files);
      byFiles.set(files, digest);
    }
    expect(byDigest.size).toBeGreaterThan(8);
  });

  it("tells bytes apart where a torn write leaves a different prefix", async () => {
    const disk = createMemfsDisk();
    const handle = await disk.backend().open("f", "w");
    await handle.write(bytes("abcdef"), 0);
    await handle.close();
    const write = disk.pendingChanges().find((c) => c.kind === "write");
    const keep = new Set(disk.pendingChanges().map((c) => c.id));
    if (write === undefined) throw new Error("no pending write");
    const cut = (n: number) => disk.crashDigest({ keep, tear: { id: write.id, bytes: n } });
    expect(new Set([cut(1), cut(2), cut(3), disk.crashDigest({ keep })]).size).toBe(4);
  });

  it("leaves the disk unchanged", async () => {
    const disk = await diskWithPending();
    const before = disk.toJSON();
    const pending = disk.pendingChanges().length;
    disk.crashDigest({ keep: new Set() });
    expect(disk.toJSON()).toEqual(before);
    expect(disk.pendingChanges()).toHaveLength(pending);
  });
});

describe("withFixedIds", () => {
  it("answers uid/gid 0 inside the step and restores process afterwards, also on a throw", () => {
    const { getuid, getgid } = process;
    if (getuid === undefined || getgid === undefined) return; // no such calls here (Windows)
    expect(withFixedIds(() => [process.getuid?.(), process.getgid?.()])).toEqual([0, 0]);
    expect(process.getuid).toBe(getuid);
    expect(() =>
      withFixedIds(() => {
        throw new Error("boom");
      }),
    ).toThrow("boom");
    expect(process.getuid).toBe(getuid);
    expect(process.getgid).toBe(getgid);
    expect(withFixedIds(() => withFixedIds(() => process.getuid?.()))).toBe(0);
    expect(process.getuid).toBe(getuid);
  });
});
