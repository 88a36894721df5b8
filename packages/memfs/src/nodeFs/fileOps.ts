import { explicitPosition, type FsContext, type Position } from "./context.js";
import { bytesOf, encodingOf, optionOf, type WriteData } from "./data.js";
import {
  type AnyHandle,
  hClose,
  hRead,
  hStat,
  hSync,
  hTruncate,
  hWrite,
  type Op,
  open,
  readWhole,
  stat,
  syncDir,
  unlink,
} from "./engine.js";
import type { OpenFd } from "./fdTable.js";
import { openIntent, openPlan } from "./flags.js";
import type { PathLike } from "./mount.js";
import { type ErrorSite, hasCode, nodeError } from "./nodeErrors.js";
import { FacadeStats } from "./stats.js";

/**
 * `open`: one backend open in the mode that creates or truncates as the flags say; a flag no
 * single backend mode covers (`w+`, `a+`, `ax`) is that open, a close and a reopen `r+`. A
 * directory opens read-only for its fsync, as on Linux.
 */
export function* openFd(ctx: FsContext, path: PathLike, flags?: string | number | null): Op<number> {
  const { shown, rel } = ctx.mount.resolve(path, "open");
  const intent = openIntent(flags);
  const plan = openPlan(intent);
  const site = { syscall: "open", path: shown };
  let handle: AnyHandle;
  try {
    handle = yield* open(rel, plan.first, site);
  } catch (err) {
    // O_CREAT|O_EXCL fails EEXIST on anything existing, a directory too.
    if (hasCode(err, "EISDIR") && intent.exclusive) throw nodeError("EEXIST", site, (err as Error).cause);
    if (!(hasCode(err, "EISDIR") && !intent.write)) throw err;
    return ctx.fds.add({ abs: shown, rel, handle: undefined, readable: true, writable: false, append: false })
      .fd;
  }
  if (plan.reopen !== undefined) {
    yield* hClose(handle, site);
    handle = yield* open(rel, plan.reopen, site);
  }
  if (plan.truncate) yield* hTruncate(handle, 0, site);
  return ctx.fds.add({
    abs: shown,
    rel,
    handle,
    readable: intent.read,
    writable: intent.write,
    append: plan.append,
  }).fd;
}

/** `close`: closing makes nothing durable. */
export function* closeFd(ctx: FsContext, fd: number): Op<void> {
  const entry = ctx.fds.get(fd, "close");
  ctx.fds.delete(entry.fd);
  if (entry.handle !== undefined) yield* hClose(entry.handle, { syscall: "close" });
}

function fileHandle(entry: OpenFd, syscall: string, need: "read" | "write"): AnyHandle {
  if (entry.handle === undefined) throw nodeError(need === "read" ? "EISDIR" : "EBADF", { syscall });
  if (need === "read" ? !entry.readable : !entry.writable) throw nodeError("EBADF", { syscall });
  return entry.handle;
}

/** `read` into `buffer` at `offset`: up to `length` bytes at `position` (or the fd's, advanced). */
export function* readFd(
  ctx: FsContext,
  fd: number,
  buffer: ArrayBufferView,
  offset: number,
  length: number,
  position: Position,
): Op<number> {
  // node:fs answers a read of nothing without a system call.
  if (length === 0) return 0;
  const entry = ctx.fds.get(fd, "read");
  const handle = fileHandle(entry, "read", "read");
  if (offset < 0 || length < 0 || offset + length > buffer.byteLength) {
    throw Object.assign(new RangeError(`offset ${offset} + length ${length} out of the buffer's range`), {
      code: "ERR_OUT_OF_RANGE",
    });
  }
  const at = explicitPosition(position);
  const bytes = yield* hRead(handle, length, at ?? entry.position, { syscall: "read" });
  new Uint8Array(buffer.buffer, buffer.byteOffset + offset, length).set(bytes);
  if (at === undefined) entry.position += bytes.length;
  return bytes.length;
}

/** `write` of `data` at `position` (or the fd's, advanced; at the end for an append fd). */
export function* writeFd(ctx: FsContext, fd: number, data: Uint8Array, position: Position): Op<number> {
  const entry = ctx.fds.get(fd, "write");
  const handle = fileHandle(entry, "write", "write");
  const site = { syscall: "write" };
  const explicit = explicitPosition(position);
  // O_APPEND: Linux writes at the end whatever the position.
  const at = entry.append ? (yield* hStat(handle, site)).size : (explicit ?? entry.position);
  const written = yield* hWrite(handle, data, at, site);
  // Only write(2) moves the fd's position; pwrite(2) (a position given) leaves it, even under
  // O_APPEND, where Linux appends but the next plain read still starts where it was. A write of
  // nothing returns before O_APPEND moves it to the end.
  if (explicit === undefined && written > 0) entry.position = at + written;
  return written;
}

/** `fsync` / `fdatasync`: of a file its data, of a directory its entries (Linux's dir fsync). */
export function* syncFd(ctx: FsContext, fd: number, op: "sync" | "datasync"): Op<void> {
  const syscall = op === "sync" ? "fsync" : "fdatasync";
  const entry = ctx.fds.get(fd, syscall);
  if (entry.handle === undefined) yield* syncDir(entry.rel, { syscall });
  else yield* hSync(entry.handle, op, { syscall });
}

export function* ftruncateFd(ctx: FsContext, fd: number, length = 0): Op<void> {
  const entry = ctx.fds.get(fd, "ftruncate");
  if (entry.handle === undefined || !entry.writable) throw nodeError("EINVAL", { syscall: "ftruncate" });
  yield* hTruncate(entry.handle, length, { syscall: "ftruncate" });
}

export function* fstatFd(ctx: FsContext, fd: number): Op<FacadeStats> {
  const entry = ctx.fds.get(fd, "fstat");
  const site = { syscall: "fstat" };
  return new FacadeStats(
    entry.handle === undefined ? yield* stat(entry.rel, site) : yield* hStat(entry.handle, site),
  );
}

/** Reads an fd from its position to the end (`readFile` of an fd). */
function* readRest(ctx: FsContext, fd: number): Op<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for (;;) {
    const chunk = new Uint8Array(64 * 1024);
    const n = yield* readFd(ctx, fd, chunk, 0, chunk.length, null);
    if (n === 0) return Buffer.concat(chunks);
    chunks.push(chunk.subarray(0, n));
  }
}

/** `readFile`: one backend readFile for a path (or open + reads + close for a flag other than `r`). */
export function* readFileOp(ctx: FsContext, path: PathLike | number, options?: unknown): Op<Uint8Array> {
  if (typeof path === "number") return yield* readRest(ctx, path);
  const flag = optionOf<string | number>(options, "flag") ?? "r";
  if (flag !== "r") {
    const fd = yield* openFd(ctx, path, flag);
    try {
      return yield* readRest(ctx, fd);
    } finally {
      yield* closeFd(ctx, fd);
    }
  }
  const { shown, rel } = ctx.mount.resolve(path, "open");
  try {
    return yield* readWhole(rel, { syscall: "open", path: shown });
  } catch (err) {
    // node:fs opens, then fails the read of a directory (no path in that error).
    if (hasCode(err, "EISDIR")) throw nodeError("EISDIR", { syscall: "read" }, (err as Error).cause);
    throw err;
  }
}

/** Writes all of `data` from the fd's position, looping over short writes as node:fs does. */
function* writeAll(ctx: FsContext, fd: number, data: Uint8Array): Op<void> {
  let done = 0;
  while (done < data.length) {
    const n = yield* writeFd(ctx, fd, data.subarray(done), null);
    if (n <= 0) throw nodeError("EIO", { syscall: "write" });
    done += n;
  }
}

/**
 * `writeFile` / `appendFile`: open (flag `w`, `a` for append), write it all, `flush` → fsync,
 * close. Like node:fs, nothing is durable unless `flush` is set: no fsync, no directory fsync.
 */
export function* writeFileOp(
  ctx: FsContext,
  path: PathLike | number,
  data: WriteData,
  options: unknown,
  defaultFlag: "w" | "a",
): Op<void> {
  const bytes = bytesOf(data, encodingOf(options));
  if (typeof path === "number") return yield* writeAll(ctx, path, bytes);
  const fd = yield* openFd(ctx, path, optionOf<string | number>(options, "flag") ?? defaultFlag);
  try {
    yield* writeAll(ctx, fd, bytes);
    if (optionOf<boolean>(options, "flush") === true) yield* syncFd(ctx, fd, "sync");
  } finally {
    yield* closeFd(ctx, fd);
  }
}

/** `truncate` of a path: open `r+`, truncate, close. */
export function* truncateOp(ctx: FsContext, path: PathLike | number, length = 0): Op<void> {
  if (typeof path === "number") return yield* ftruncateFd(ctx, path, length);
  const fd = yield* openFd(ctx, path, "r+");
  try {
    yield* ftruncateFd(ctx, fd, length);
  } finally {
    yield* closeFd(ctx, fd);
  }
}

/** `copyFile`: read the source whole, write the target (`wx` with COPYFILE_EXCL). Not synced. */
export function* copyFileOp(ctx: FsContext, src: PathLike, dest: PathLike, mode = 0): Op<void> {
  const from = ctx.mount.resolve(src, "copyfile");
  const to = ctx.mount.resolve(dest, "copyfile");
  const site = { syscall: "copyfile", path: from.shown, dest: to.shown };
  let data: Uint8Array;
  try {
    data = yield* readWhole(from.rel, site);
  } catch (err) {
    if (!hasCode(err, "EISDIR")) throw err;
    // node:fs (libuv) opens the target before it finds the source is a directory: its errors
    // come first; a target it opened (created or truncated) it unlinks on the failure.
    if (yield* checkCopyTarget(to.rel, (mode & 1) !== 0, site)) yield* unlink(to.rel, site);
    throw nodeError("EISDIR", site, (err as Error).cause);
  }
  const exclusive = (mode & 1) !== 0;
  let handle: AnyHandle;
  try {
    handle = yield* open(to.rel, exclusive ? "wx" : "w", site);
  } catch (err) {
    // O_CREAT|O_EXCL fails EEXIST on anything existing, a directory too (as in openFd).
    if (hasCode(err, "EISDIR") && exclusive) throw nodeError("EEXIST", site, (err as Error).cause);
    throw err;
  }
  try {
    let done = 0;
    while (done < data.length) {
      const n = yield* hWrite(handle, data.subarray(done), done, site);
      if (n <= 0) throw nodeError("EIO", site);
      done += n;
    }
  } finally {
    yield* hClose(handle, site);
  }
}

/**
 * The error opening `rel` as a copy target would give (nothing is created); else whether a file
 * is there (which the open would have truncated).
 */
function* checkCopyTarget(rel: string, exclusive: boolean, site: ErrorSite): Op<boolean> {
  let kind: string;
  try {
    kind = (yield* stat(rel, site)).kind;
  } catch (err) {
    if (!hasCode(err, "ENOENT")) throw err;
    const parent = rel.includes("/") ? rel.slice(0, rel.lastIndexOf("/")) : "";
    if ((yield* stat(parent, site)).kind !== "directory") throw nodeError("ENOTDIR", site);
    return false;
  }
  if (exclusive) throw nodeError("EEXIST", site);
  if (kind === "directory") throw nodeError("EISDIR", site);
  return true;
}
