import { ErrorCode, LivingReportsError, normalizePath } from "@living-reports/core";
import type { DiskImage, ImageNode } from "./diskImage.js";

/** An image built from initial files, and the next free inode id after it. */
export interface FilesImage {
  readonly image: DiskImage;
  readonly nextId: number;
}

/**
 * Builds the image of a disk that starts with `files` (root-relative path → content; strings
 * are UTF-8). Parent directories are implied.
 *
 * @throws LivingReportsError INVALID_PATH for a bad path; INVALID_INPUT when a path is the root
 *   or needs a file to be a directory
 */
export function imageFromFiles(files: Readonly<Record<string, string | Uint8Array>>): FilesImage {
  const root = 1;
  let nextId = 2;
  const dirs = new Map<number, Map<string, number>>([[root, new Map()]]);
  const nodes = new Map<number, ImageNode>();
  const conflict = (path: string, why: string): LivingReportsError =>
    new LivingReportsError(ErrorCode.INVALID_INPUT, `initial file ${JSON.stringify(path)}: ${why}`, { path });

  for (const [rawPath, content] of Object.entries(files)) {
    const path = normalizePath(rawPath);
    if (path === "") throw conflict(rawPath, "the root is a directory");
    const segments = path.split("/");
    const name = segments.pop() as string;
    let dir = root;
    for (const segment of segments) {
      const entries = dirs.get(dir) as Map<string, number>;
      let child = entries.get(segment);
      if (child === undefined) {
        child = nextId++;
        entries.set(segment, child);
        dirs.set(child, new Map());
      }
      if (!dirs.has(child)) throw conflict(rawPath, `${JSON.stringify(segment)} is a file`);
      dir = child;
    }
    const entries = dirs.get(dir) as Map<string, number>;
    if (entries.has(name)) throw conflict(rawPath, "given twice, or also a directory");
    const id = nextId++;
    entries.set(name, id);
    const data = typeof content === "string" ? new TextEncoder().encode(content) : content.slice();
    nodes.set(id, { kind: "file", data });
  }
  for (const [id, entries] of dirs) nodes.set(id, { kind: "dir", entries });
  return { image: { root, nodes }, nextId };
}
