import { ErrorCode, type FileStat, LivingReportsError } from "@living-reports/core";
import type { Volume } from "memfs";

/** What a memfs lstat returns (the parts used here). */
export interface VolumeStat {
  readonly ino: number;
  readonly size: number;
  readonly mtimeMs: number;
  isFile(): boolean;
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
}

/** The memfs path of a root-relative path (`""` is the root). */
export function volumePath(path: string): string {
  return path === "" ? "/" : `/${path}`;
}

/** An error shaped like a system error (`code` = errno name), for {@link fromSystemError}. */
export function systemError(code: string, op: string, path: string): Error {
  return Object.assign(new Error(`${code}: ${op} '${path}'`), { code });
}

/** lstat that returns undefined for a missing path (and throws ENOTDIR through a file). */
export function lstatOrUndefined(volume: Volume, path: string): VolumeStat | undefined {
  return volume.lstatSync(volumePath(path), { throwIfNoEntry: false }) ?? undefined;
}

/**
 * Checks that no component of `path` is a symlink, since memfs would follow one: every parent
 * component, and the last one too unless `allowSymlinkLeaf` (for calls that act on a link
 * itself: stat, unlink). Stops quietly at a missing or non-directory component, leaving the
 * call itself to fail with the right errno.
 *
 * @returns the lstat of `path`, or undefined when it does not exist
 * @throws LivingReportsError INVALID_PATH when a symlink is in the way
 */
export function guardPath(volume: Volume, path: string, allowSymlinkLeaf = false): VolumeStat | undefined {
  if (path === "") return lstatOrUndefined(volume, path);
  let prefix = "";
  for (const segment of path.split("/")) {
    prefix = prefix === "" ? segment : `${prefix}/${segment}`;
    const stat = lstatOrUndefined(volume, prefix);
    if (stat === undefined) return undefined;
    const isLeaf = prefix.length === path.length;
    if (stat.isSymbolicLink() && !(isLeaf && allowSymlinkLeaf)) {
      throw new LivingReportsError(
        ErrorCode.INVALID_PATH,
        `invalid path ${JSON.stringify(path)}: ${JSON.stringify(prefix)} is a symlink, never followed`,
        { path },
      );
    }
    if (isLeaf) return stat;
    if (!stat.isDirectory()) return undefined;
  }
  return undefined;
}

/** A memfs stat as the backend reports it, with the model's inode id as `ino`. */
export function toFileStat(stat: VolumeStat, ino: number): FileStat {
  const kind = stat.isFile()
    ? "file"
    : stat.isDirectory()
      ? "directory"
      : stat.isSymbolicLink()
        ? "symlink"
        : "other";
  return { kind, size: stat.size, mtimeMs: stat.mtimeMs, ino };
}
