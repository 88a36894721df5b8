import { constants } from "node:os";
import { ErrorCode, isLivingReportsError } from "@living-reports/core";

/** libuv's descriptions, which Node puts in its messages (`ENOENT: no such file or directory, open '/x'`). */
const DESCRIPTIONS: Readonly<Record<string, string>> = {
  EACCES: "permission denied",
  EBADF: "bad file descriptor",
  EBUSY: "resource busy or locked",
  EDQUOT: "disk quota exceeded",
  EEXIST: "file already exists",
  EINVAL: "invalid argument",
  EIO: "i/o error",
  EISDIR: "illegal operation on a directory",
  ELOOP: "too many symbolic links encountered",
  EMFILE: "too many open files",
  ENAMETOOLONG: "name too long",
  ENOENT: "no such file or directory",
  ENOSPC: "no space left on device",
  ENOSYS: "function not implemented",
  ENOTDIR: "not a directory",
  ENOTEMPTY: "directory not empty",
  EPERM: "operation not permitted",
  EROFS: "read-only file system",
  EXDEV: "cross-device link not permitted",
};

/** The errno a backend error stands for when it carries none (core's codes, reversed). */
const ERRNO_OF_CODE: Readonly<Record<string, string>> = {
  [ErrorCode.NOT_FOUND]: "ENOENT",
  [ErrorCode.ALREADY_EXISTS]: "EEXIST",
  [ErrorCode.WRONG_KIND]: "ENOTDIR",
  [ErrorCode.PERMISSION_DENIED]: "EACCES",
  [ErrorCode.READ_ONLY]: "EROFS",
  [ErrorCode.NO_SPACE]: "ENOSPC",
  [ErrorCode.INVALID_PATH]: "EINVAL",
  [ErrorCode.INVALID_INPUT]: "EINVAL",
  [ErrorCode.CLOSED]: "EBADF",
  [ErrorCode.FSYNC_FAILED]: "EIO",
  [ErrorCode.STORAGE_FAILURE]: "EIO",
};

/** What a Node error names besides its errno: the syscall and the path(s), as the caller gave them. */
export interface ErrorSite {
  readonly syscall: string;
  readonly path?: string;
  readonly dest?: string;
}

/** An error shaped like node:fs's: `code`, `errno` (negative), `syscall`, `path`, `dest`. */
export interface NodeFsError extends Error {
  code: string;
  errno: number;
  syscall: string;
  path?: string;
  dest?: string;
}

/**
 * A Node-style system error, e.g. `ENOENT: no such file or directory, open '/x'`, with `code`,
 * `errno`, `syscall`, `path` and `dest` as node:fs sets them. `cause` is kept when given.
 */
export function nodeError(code: string, site: ErrorSite, cause?: unknown): NodeFsError {
  const where =
    site.path === undefined
      ? ""
      : site.dest === undefined
        ? ` '${site.path}'`
        : ` '${site.path}' -> '${site.dest}'`;
  const message = `${code}: ${DESCRIPTIONS[code] ?? "unknown error"}, ${site.syscall}${where}`;
  const err = (cause === undefined ? new Error(message) : new Error(message, { cause })) as NodeFsError;
  const errno = (constants.errno as Record<string, number | undefined>)[code];
  err.errno = errno === undefined ? -1 : -errno;
  err.code = code;
  err.syscall = site.syscall;
  if (site.path !== undefined) err.path = site.path;
  if (site.dest !== undefined) err.dest = site.dest;
  return err;
}

/**
 * The Node error for what a backend call threw: the errno it was mapped from (an injected fault's
 * too), else the one its code stands for. The backend's error is kept as `cause`. Anything that is
 * not a backend error (a bug) is rethrown unchanged.
 */
export function toNodeError(err: unknown, site: ErrorSite): unknown {
  if (!isLivingReportsError(err)) return err;
  const code = err.syscode ?? ERRNO_OF_CODE[err.code] ?? "EIO";
  return nodeError(code, site, err);
}

/** True when `err` is a Node-style error with the given code. */
export function hasCode(err: unknown, code: string): boolean {
  return typeof err === "object" && err !== null && (err as { code?: unknown }).code === code;
}
