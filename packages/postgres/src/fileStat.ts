import type { FileStat } from "@living-reports/core";
import { ErrorCode, LivingReportsError } from "@living-reports/core";
import { fromPrivateState } from "./pgErrors.js";

/** A `stat` row as a {@link FileStat} (int8 columns arrive as strings). */
export function toFileStat(row: StatRow): FileStat {
  return {
    kind: row.kind === "directory" ? "directory" : "file",
    size: Number(row.size),
    mtimeMs: Number(row.mtime_ms),
    ino: Number(row.ino),
  };
}

/** A row of the schema's `fstat`. */
export interface StatRow {
  kind: string;
  size: string | number;
  mtime_ms: number;
  ino: string | number;
}

/** A row of the schema's `stat` (by path): the inode's, or `err` (a private SQLSTATE) and NULLs. */
export interface PathStatRow {
  err: string | null;
  kind: string | null;
  size: string | number | null;
  mtime_ms: number | null;
  ino: string | number | null;
}

/**
 * The {@link FileStat} of a `stat` row for `path`.
 *
 * @throws LivingReportsError NOT_FOUND (nothing there, or no row), WRONG_KIND (a file in the
 *   middle of the path), as the statement would have raised them
 */
export function pathStat(row: PathStatRow | undefined, path: string): FileStat {
  if (row === undefined)
    throw new LivingReportsError(ErrorCode.NOT_FOUND, `stat ${path}: ENOENT`, { path, syscall: "ENOENT" });
  if (row.err !== null) throw fromPrivateState(row.err, { op: "stat", path });
  return toFileStat({
    kind: row.kind ?? "file",
    size: row.size ?? 0,
    mtime_ms: row.mtime_ms ?? 0,
    ino: row.ino ?? 0,
  });
}
