import type { FileStat } from "@living-reports/core";

/** A `stat` row as a {@link FileStat} (int8 columns arrive as strings). */
export function toFileStat(row: StatRow): FileStat {
  return {
    kind: row.kind === "directory" ? "directory" : "file",
    size: Number(row.size),
    mtimeMs: Number(row.mtime_ms),
    ino: Number(row.ino),
  };
}

/** A row of the schema's `stat`/`fstat`. */
export interface StatRow {
  kind: string;
  size: string | number;
  mtime_ms: number;
  ino: string | number;
}
