import type * as fs from "node:fs";
import type { FileStat } from "@living-reports/core";

/** A node:fs `Stats` (from lstat or fstat) as the backend's {@link FileStat}. */
export function toFileStat(st: fs.Stats): FileStat {
  const kind = st.isSymbolicLink()
    ? "symlink"
    : st.isFile()
      ? "file"
      : st.isDirectory()
        ? "directory"
        : "other";
  return { kind, size: st.size, mtimeMs: st.mtimeMs, ino: st.ino };
}
