import * as fs from "node:fs";
import * as nodePath from "node:path";
import { ErrorCode, fromSystemError, LivingReportsError, normalizePath } from "@living-reports/core";

/** How many verified directories are remembered before the cache starts over. */
const MAX_VERIFIED = 4096;

/** A root-relative path checked by {@link Confinement.resolve}, with its host path. */
export interface ResolvedPath {
  /** The normalised root-relative path (what errors name). */
  readonly rel: string;
  /** The absolute host path under the root. */
  readonly abs: string;
}

/**
 * Keeps a backend inside its root (G8). A path is accepted when it is a valid root-relative name
 * ({@link normalizePath}) and every directory above its last component is a real directory (not
 * a symlink) inside the root; the last component is the caller's to open with `O_NOFOLLOW` or to
 * lstat. Verified directories are cached so that the hot path (a replace in `by_id/<id>/`) costs
 * no lstat after the first; the backend forgets a directory when it renames or removes it itself.
 *
 * Residual race (README): a directory swapped for a symlink by another process after it was
 * verified is followed until this instance renames or removes that directory itself.
 */
export class Confinement {
  private readonly verified = new Set<string>();

  /** @param hostRoot - the root's real path (symlinks above the root are the operator's choice) */
  constructor(readonly hostRoot: string) {}

  /**
   * Checks `path` for `op` and returns its host path.
   * @throws LivingReportsError INVALID_PATH (bad name, or a symlink among its directories),
   *   NOT_FOUND (a missing directory), WRONG_KIND (a file where a directory should be)
   */
  resolve(path: string, op: string): ResolvedPath {
    const rel = normalizePath(path);
    let end = rel.indexOf("/");
    while (end >= 0) {
      const dir = rel.slice(0, end);
      if (!this.verified.has(dir)) this.verify(dir, rel, op);
      end = rel.indexOf("/", end + 1);
    }
    return { rel, abs: rel === "" ? this.hostRoot : nodePath.join(this.hostRoot, rel) };
  }

  /** Remembers `rel` as a real directory (the backend just created it with mkdir, which never follows). */
  remember(rel: string): void {
    if (rel !== "" && this.parentKnown(rel)) this.add(rel);
  }

  /** Forgets `rel` and everything under it (the backend renamed or removed it). */
  forget(rel: string): void {
    // Only directories are cached, and never one without its parent: a file costs one lookup.
    if (!this.verified.delete(rel)) return;
    const prefix = `${rel}/`;
    for (const dir of this.verified) if (dir.startsWith(prefix)) this.verified.delete(dir);
  }

  private verify(dir: string, rel: string, op: string): void {
    let st: fs.Stats;
    try {
      st = fs.lstatSync(nodePath.join(this.hostRoot, dir));
    } catch (err) {
      throw fromSystemError(err, rel, op);
    }
    if (st.isSymbolicLink()) throw symlinkError(rel, op, dir);
    if (!st.isDirectory()) {
      throw new LivingReportsError(ErrorCode.WRONG_KIND, `${op} ${rel}: ${dir} is not a directory`, {
        path: rel,
      });
    }
    this.add(dir);
  }

  private parentKnown(rel: string): boolean {
    const i = rel.lastIndexOf("/");
    return i < 0 || this.verified.has(rel.slice(0, i));
  }

  private add(dir: string): void {
    // Starting over keeps "a cached directory's parent is cached", which forget() relies on.
    if (this.verified.size >= MAX_VERIFIED) this.verified.clear();
    if (this.parentKnown(dir)) this.verified.add(dir);
  }
}

/**
 * The INVALID_PATH error for a symlink met at `where` (the path itself or one of its directories).
 * @param cause - the system error that revealed it (ELOOP from `O_NOFOLLOW`), if any
 */
export function symlinkError(rel: string, op: string, where: string, cause?: unknown): LivingReportsError {
  const options: { path: string; cause?: unknown; syscall?: string } = { path: rel };
  if (cause !== undefined) {
    options.cause = cause;
    const code = typeof cause === "object" && cause !== null ? (cause as { code?: unknown }).code : undefined;
    if (typeof code === "string") options.syscall = code;
  }
  const what = where === rel ? "is a symlink" : `has a symlink at ${where}`;
  return new LivingReportsError(
    ErrorCode.INVALID_PATH,
    `${op} ${rel}: ${what}; symlinks are not followed (G8)`,
    options,
  );
}

/**
 * True when `open(O_NOFOLLOW)` of `abs` failed because `abs` is a symlink: ELOOP, or ENOTDIR
 * when `O_DIRECTORY` was checked first (Linux does so for a symlink to a directory).
 */
export function isSymlinkRefusal(err: unknown, abs: string): boolean {
  const code = typeof err === "object" && err !== null ? (err as { code?: unknown }).code : undefined;
  if (code === "ELOOP") return true;
  if (code !== "ENOTDIR") return false;
  try {
    return fs.lstatSync(abs).isSymbolicLink();
  } catch {
    // Gone or unreadable: the original ENOTDIR stands.
    return false;
  }
}
