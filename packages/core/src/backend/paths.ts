import { ErrorCode } from "../errors/errorCodes.js";
import { LivingReportsError } from "../errors/livingReportsError.js";

const MAX_PATH_BYTES = 4096;
const MAX_SEGMENT_BYTES = 255;

/**
 * Checks and normalises a root-relative path: `/`-separated, no empty, `.` or `..` segments,
 * no NUL or backslash, not absolute, at most 4096 bytes with segments of at most 255.
 * `""` names the root itself. Guarantees that a path accepted here cannot leave the root by
 * name (G8); symlinks are the backend's to refuse.
 *
 * @throws LivingReportsError INVALID_PATH naming the path
 */
export function normalizePath(path: string): string {
  if (typeof path !== "string") throw invalid(String(path), "not a string");
  if (path === "") return "";
  if (path.includes("\0")) throw invalid(path, "contains NUL");
  if (path.includes("\\")) throw invalid(path, "contains a backslash");
  if (path.startsWith("/")) throw invalid(path, "is absolute");
  if (Buffer.byteLength(path) > MAX_PATH_BYTES) throw invalid(path, "is too long");
  const trimmed = path.endsWith("/") ? path.slice(0, -1) : path;
  for (const segment of trimmed.split("/")) {
    if (segment === "" || segment === "." || segment === "..")
      throw invalid(path, `has a '${segment}' segment`);
    if (Buffer.byteLength(segment) > MAX_SEGMENT_BYTES) throw invalid(path, "has a segment over 255 bytes");
  }
  return trimmed;
}

/** Joins root-relative segments with `/` and normalises the result. */
export function joinPath(...segments: string[]): string {
  return normalizePath(segments.filter((s) => s !== "").join("/"));
}

/** The parent directory of a root-relative path (`""` for a top-level name). */
export function dirname(path: string): string {
  const i = path.lastIndexOf("/");
  return i < 0 ? "" : path.slice(0, i);
}

/** The last segment of a root-relative path. */
export function basename(path: string): string {
  const i = path.lastIndexOf("/");
  return i < 0 ? path : path.slice(i + 1);
}

function invalid(path: string, why: string): LivingReportsError {
  return new LivingReportsError(ErrorCode.INVALID_PATH, `invalid path ${JSON.stringify(path)}: ${why}`, {
    path,
  });
}
