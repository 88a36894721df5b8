import { createHash } from "node:crypto";
import type { DiskImage } from "./diskImage.js";

const encoder = new TextEncoder();

/**
 * A digest of the files a disk holding `image` shows: every path reachable from the root (names
 * in sorted order), whether it is a directory or a file, and each file's exact bytes. Two images
 * get the same digest exactly when a volume built from them (`buildVolume`) has the same tree
 * and contents, up to SHA-1 collisions; inode ids, mtimes and unreachable nodes do not count.
 *
 * It reads the image only, so the crash explorer can recognise a crash state it has already
 * judged without building a volume for it.
 */
export function imageDigest(image: DiskImage): string {
  const hash = createHash("sha1");
  const header = new Uint32Array(3);
  const headerBytes = new Uint8Array(header.buffer);
  // Each entry is framed (kind, name length, content length) so no two trees hash the same bytes.
  const entry = (kind: number, name: Uint8Array, size: number): void => {
    header[0] = kind;
    header[1] = name.length;
    header[2] = size;
    hash.update(headerBytes);
    hash.update(name);
  };
  const walk = (dirId: number, ancestors: Set<number>): void => {
    const dir = image.nodes.get(dirId);
    if (dir?.kind !== "dir") return;
    for (const name of [...dir.entries.keys()].sort()) {
      const id = dir.entries.get(name) as number;
      const child = image.nodes.get(id);
      // The same rules as buildVolume: dangling entries and directory cycles are not on disk.
      if (child === undefined || ancestors.has(id)) continue;
      if (child.kind === "file") {
        entry(1, encoder.encode(name), child.data.length);
        hash.update(child.data);
        continue;
      }
      entry(2, encoder.encode(name), 0);
      ancestors.add(id);
      walk(id, ancestors);
      ancestors.delete(id);
      entry(3, new Uint8Array(0), 0);
    }
  };
  walk(image.root, new Set([image.root]));
  return hash.digest("base64");
}
