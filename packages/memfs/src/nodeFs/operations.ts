import { readArgs, timeArg, writeArgs } from "./args.js";
import type { FsContext } from "./context.js";
import { decoded, encodingOf, type WriteData } from "./data.js";
import type { Op } from "./engine.js";
import {
  closeFd,
  copyFileOp,
  fstatFd,
  ftruncateFd,
  openFd,
  readFd,
  readFileOp,
  syncFd,
  truncateOp,
  writeFd,
  writeFileOp,
} from "./fileOps.js";
import type { PathLike } from "./mount.js";
import {
  accessOp,
  existsOp,
  linkOp,
  mkdirOp,
  mkdtempOp,
  readdirOp,
  realpathOp,
  renameOp,
  rmdirOp,
  rmOp,
  statOp,
  unlinkOp,
  utimesOp,
} from "./pathOps.js";

// biome-ignore lint/suspicious/noExplicitAny: node:fs's overloaded arguments, decoded by each operation
type Args = any[];

/** One node:fs function: the operation its arguments make, and how its result reaches the caller. */
export interface OpSpec {
  readonly make: (ctx: FsContext, ...args: Args) => Op<unknown>;
  /** The `xSync` return value (default: the result). */
  readonly sync?: (result: never) => unknown;
  /** Calls the callback with the result (default: `cb(null, result)`). */
  readonly callback?: (cb: (...args: unknown[]) => void, result: never) => void;
  /** Only `xSync` and `x(cb)`: no `promises.x` (fd-based calls, `exists`). */
  readonly noPromise?: boolean;
}

function* map<T, U>(op: Op<T>, f: (value: T) => U): Op<U> {
  return f(yield* op);
}

interface ReadResult {
  bytesRead: number;
  buffer: ArrayBufferView;
}
interface WriteResult {
  bytesWritten: number;
  buffer: WriteData;
}

/** Checks that a path or descriptor exists (chmod, chown and friends change nothing here). */
function* exists(ctx: FsContext, target: PathLike | number, syscall: string): Op<void> {
  if (typeof target === "number") ctx.fds.get(target, syscall);
  else yield* accessOp(ctx, target, 0, syscall);
}

/** The node:fs functions the facade has, each as `x`, `xSync` and (unless fd-based) `promises.x`. */
export const OPERATIONS: Readonly<Record<string, OpSpec>> = {
  open: { make: (c, path: PathLike, flags?: string | number) => openFd(c, path, flags), noPromise: true },
  close: { make: (c, fd: number) => closeFd(c, fd), noPromise: true },
  read: {
    make: (c, fd: number, ...rest: Args) => {
      const a = readArgs(rest);
      return map(readFd(c, fd, a.buffer, a.offset, a.length, a.position), (bytesRead) => ({
        bytesRead,
        buffer: a.buffer,
      }));
    },
    sync: (r: ReadResult) => r.bytesRead,
    callback: (cb, r: ReadResult) => cb(null, r.bytesRead, r.buffer),
    noPromise: true,
  },
  write: {
    make: (c, fd: number, data: WriteData, ...rest: Args) => {
      const a = writeArgs(data, rest);
      return map(writeFd(c, fd, a.bytes, a.position), (bytesWritten) => ({ bytesWritten, buffer: data }));
    },
    sync: (r: WriteResult) => r.bytesWritten,
    callback: (cb, r: WriteResult) => cb(null, r.bytesWritten, r.buffer),
    noPromise: true,
  },
  fsync: { make: (c, fd: number) => syncFd(c, fd, "sync"), noPromise: true },
  fdatasync: { make: (c, fd: number) => syncFd(c, fd, "datasync"), noPromise: true },
  ftruncate: { make: (c, fd: number, length?: number) => ftruncateFd(c, fd, length ?? 0), noPromise: true },
  fstat: { make: (c, fd: number) => fstatFd(c, fd), noPromise: true },
  readFile: {
    make: (c, path: PathLike | number, options?: unknown) =>
      map(readFileOp(c, path, options), (bytes) => decoded(bytes, encodingOf(options))),
  },
  writeFile: {
    make: (c, path, data: WriteData, options?: unknown) => writeFileOp(c, path, data, options, "w"),
  },
  appendFile: {
    make: (c, path, data: WriteData, options?: unknown) => writeFileOp(c, path, data, options, "a"),
  },
  truncate: { make: (c, path: PathLike, length?: number) => truncateOp(c, path, length ?? 0) },
  copyFile: {
    make: (c, src: PathLike, dest: PathLike, mode?: number) => copyFileOp(c, src, dest, mode ?? 0),
  },
  rename: { make: (c, from: PathLike, to: PathLike) => renameOp(c, from, to) },
  link: { make: (c, existing: PathLike, to: PathLike) => linkOp(c, existing, to) },
  unlink: { make: (c, path: PathLike) => unlinkOp(c, path) },
  mkdir: { make: (c, path: PathLike, options?: unknown) => mkdirOp(c, path, options) },
  rmdir: { make: (c, path: PathLike, options?: unknown) => rmdirOp(c, path, options) },
  rm: { make: (c, path: PathLike, options?: unknown) => rmOp(c, path, options) },
  readdir: { make: (c, path: PathLike, options?: unknown) => readdirOp(c, path, options) },
  stat: { make: (c, path: PathLike, options?: unknown) => statOp(c, path, options, "stat") },
  lstat: { make: (c, path: PathLike, options?: unknown) => statOp(c, path, options, "lstat") },
  access: { make: (c, path: PathLike, mode?: number) => accessOp(c, path, mode ?? 0) },
  exists: {
    make: (c, path: PathLike) => existsOp(c, path),
    callback: (cb, r: boolean) => cb(r),
    noPromise: true,
  },
  realpath: { make: (c, path: PathLike) => realpathOp(c, path) },
  utimes: { make: (c, path: PathLike, _atime: unknown, mtime: unknown) => utimesOp(c, path, timeArg(mtime)) },
  lutimes: {
    make: (c, path: PathLike, _atime: unknown, mtime: unknown) => utimesOp(c, path, timeArg(mtime)),
  },
  futimes: {
    make: (c, fd: number, _atime: unknown, mtime: unknown) =>
      utimesOp(c, c.fds.get(fd, "futime").abs, timeArg(mtime)),
    noPromise: true,
  },
  chmod: { make: (c, path: PathLike) => exists(c, path, "chmod") },
  lchmod: { make: (c, path: PathLike) => exists(c, path, "lchmod") },
  chown: { make: (c, path: PathLike) => exists(c, path, "chown") },
  lchown: { make: (c, path: PathLike) => exists(c, path, "lchown") },
  fchmod: { make: (c, fd: number) => exists(c, fd, "fchmod"), noPromise: true },
  fchown: { make: (c, fd: number) => exists(c, fd, "fchown"), noPromise: true },
  mkdtemp: { make: (c, prefix: string) => mkdtempOp(c, prefix) },
};
