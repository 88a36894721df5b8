import type { DiskImage } from "./diskImage.js";

/**
 * The files a disk holding `image` shows, as `toJSON` lists them (root-relative path → content,
 * `null` for a directory), read from the image alone, without building a volume. Contents are
 * decoded as Latin-1, one character per byte, so no two different contents read alike (torn
 * garbage included). The same rules as `buildVolume`: dangling entries and directory cycles are
 * not on disk.
 */
export function imageFiles(image: DiskImage): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  const walk = (dirId: number, prefix: string, ancestors: Set<number>): void => {
    const dir = image.nodes.get(dirId);
    if (dir?.kind !== "dir") return;
    for (const name of [...dir.entries.keys()].sort()) {
      const id = dir.entries.get(name) as number;
      const child = image.nodes.get(id);
      if (child === undefined || ancestors.has(id)) continue;
      const path = prefix === "" ? name : `${prefix}/${name}`;
      if (child.kind === "file") {
        out[path] = Buffer.from(child.data.buffer, child.data.byteOffset, child.data.byteLength).toString(
          "latin1",
        );
        continue;
      }
      out[path] = null;
      ancestors.add(id);
      walk(id, path, ancestors);
      ancestors.delete(id);
    }
  };
  walk(image.root, "", new Set([image.root]));
  return out;
}
