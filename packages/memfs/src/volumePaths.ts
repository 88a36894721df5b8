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

/** What the errnos this backend raises mean, as strerror(3) words them. */
const ERRNO_TEXT: Readonly<Record<string, string>> = {
  EBADF: "bad file descriptor",
  EBUSY: "resource busy",
  EEXIST: "file already exists",
  EINVAL: "invalid argument",
  EISDIR: "is a directory",
  ELOOP: "too many symbolic links",
  ENOENT: "no such file or directory",
  ENOTDIR: "not a directory",
  ENOTEMPTY: "directory not empty",
  EPERM: "operation not permitted",
};

/**
 * An error shaped like a system error (`code` = errno name), for {@link fromSystemError}, which
 * adds the op, the root-relative path and the errno: the message is only what the errno means.
 */
export function systemError(code: string, _op: string, _path: string): Error {
  return Object.assign(new Error(ERRNO_TEXT[code] ?? "error"), { code });
}

/**
 * A memfs error as {@link systemError} shapes one: the same `code`, and a message without the
 * errno repeated or the volume's own path (`ENOENT: no such file or directory, open '/a'` →
 * `no such file or directory`), since {@link fromSystemError} adds both, root-relative. Anything
 * else passes unchanged.
 */
export function plainSystemError(err: unknown): unknown {
  if (err instanceof LivingReportsError || !(err instanceof Error)) return err;
  const code = (err as { code?: unknown }).code;
  if (typeof code !== "string" || !err.message.startsWith(`${code}: `)) return err;
  const reason = /^[A-Z]+: (.*?)(?:, \w+ '[^']*'(?: -> '[^']*')?)?$/s.exec(err.message)?.[1];
  return Object.assign(new Error(reason ?? ERRNO_TEXT[code] ?? "error", { cause: err }), { code });
}

/** lstat that returns undefined for a missing path (and throws ENOTDIR through a file). */
export function lstatOrUndefined(volume: Volume, path: string): VolumeStat | undefined {
  return volume.lstatSync(volumePath(path), { throwIfNoEntry: false }) ?? undefined;
}

/**
 * Checks that no component of `path` is a symlink, since memfs would follow one: every parent
 * component, and the last one too unless `allowSymlinkLeaf` (for calls that act on a link
 * itself: stat, unlink). Stops quietly at a missing or non-directory component, leaving the
 * call itself to fail with the right errno. `path` must be normalised (no `.` or `..`).
 *
 * It walks memfs's directory links once instead of an lstat per component (each one a fresh
 * path resolution, and an error object for a missing name): the hottest path of the crash
 * explorer. Permissions are not checked: the backend never changes them from memfs's defaults,
 * which let every caller through.
 *
 * @returns the lstat of `path`, or undefined when it does not exist
 * @throws LivingReportsError INVALID_PATH when a symlink is in the way
 */
export function guardPath(volume: Volume, path: string, allowSymlinkLeaf = false): VolumeStat | undefined {
  const link = guardedLink(volume, path, allowSymlinkLeaf);
  return link === undefined ? undefined : nodeStat(link.getNode());
}

/** A memfs directory entry (internal): a name, its node and, for a directory, its children. */
export type VolumeLink = Volume["_core"]["root"];
type VolumeNode = ReturnType<VolumeLink["getNode"]>;

/**
 * {@link guardPath}, returning memfs's link itself, for the calls that can answer from it
 * without resolving the path again (read a file, list a directory).
 *
 * @throws LivingReportsError INVALID_PATH when a symlink is in the way
 */
export function guardedLink(volume: Volume, path: string, allowSymlinkLeaf = false): VolumeLink | undefined {
  let link = volume._core.root;
  if (path === "") return link;
  const segments = path.split("/");
  for (let i = 0; i < segments.length; i++) {
    const child = link.children.get(segments[i] as string);
    if (child === undefined) return undefined;
    const node = child.getNode();
    const isLeaf = i === segments.length - 1;
    if (node.isSymlink() && !(isLeaf && allowSymlinkLeaf)) {
      const prefix = segments.slice(0, i + 1).join("/");
      throw new LivingReportsError(
        ErrorCode.INVALID_PATH,
        `invalid path ${JSON.stringify(path)}: ${JSON.stringify(prefix)} is a symlink, never followed`,
        { path },
      );
    }
    if (isLeaf) return child;
    if (!node.isDirectory()) return undefined;
    link = child;
  }
  return undefined;
}

/** What lstat would say of `node`, taken now (the node may change later). */
function nodeStat(node: VolumeNode): VolumeStat {
  const file = node.isFile();
  const directory = node.isDirectory();
  const symlink = node.isSymlink();
  return {
    ino: node.ino,
    size: node.getSize(),
    mtimeMs: node.mtime.getTime(),
    isFile: () => file,
    isDirectory: () => directory,
    isSymbolicLink: () => symlink,
  };
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
