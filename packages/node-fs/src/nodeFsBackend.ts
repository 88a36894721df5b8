import * as fs from "node:fs";
import * as nodePath from "node:path";
import {
  type BackendCapabilities,
  type Clock,
  ErrorCode,
  type FileHandle,
  type FileStat,
  fromSystemError,
  LivingReportsError,
  type LockPrimitive,
  normalizePath,
  type OpenMode,
  type StorageBackend,
  systemClock,
} from "@living-reports/core";
import { Confinement, isSymlinkRefusal, type ResolvedPath, symlinkError } from "./confinement.js";
import { toFileStat } from "./fileStat.js";
import { type NodeFsLockOptions, nodeFsLockPrimitive } from "./lock/index.js";
import { NodeFileHandle } from "./nodeFileHandle.js";
import { O_DIRECTORY, O_NOFOLLOW, O_NONBLOCK, openFlags } from "./openFlags.js";
import { type FsyncApi, processSyncScheduler } from "./syncScheduler.js";

/** The options of {@link nodeFsBackend}. */
export interface NodeFsBackendOptions {
  /** The host directory that is the store's root (absolute, or relative to the working directory). */
  readonly root: string;
  /** Create the root (and missing parents) when absent; otherwise a missing root is NOT_FOUND. */
  readonly create?: boolean;
  /** Options of its lock primitive (test hooks). */
  readonly locks?: NodeFsLockOptions;
  /**
   * How fsync/fdatasync/directory syncs are issued; the default `adaptive` runs them inline for
   * a lone writer and in the thread pool under concurrency (docs/measurements/syncVsPromise.md).
   */
  readonly fsyncApi?: FsyncApi;
}

/** A {@link StorageBackend} over a real directory, with that directory's real path. */
export interface NodeFsBackend extends StorageBackend {
  /** The root's real path on the host (symlinks above the root resolved once, at creation). */
  readonly hostRoot: string;
}

const IS_WINDOWS = process.platform === "win32";

/**
 * A storage backend over a directory of the host filesystem (docs/LOCKS.md).
 *
 * Guarantees: paths are root-relative and checked by `normalizePath` before any syscall; nothing
 * outside the root is read or written, and a symlink inside the root is never followed (INVALID_PATH
 * naming the path; the residual race is documented in the README); every failure is a
 * LivingReportsError mapped with `fromSystemError` keeping the system error as cause, a failed
 * fsync being FSYNC_FAILED. `syncDir` fsyncs the directory (a no-op on Windows, which cannot).
 *
 * @throws LivingReportsError (synchronously) INVALID_INPUT for a bad `root`; NOT_FOUND when the
 *   root is missing and `create` is not set; WRONG_KIND when the root is not a directory
 */
export function nodeFsBackend(options: NodeFsBackendOptions): NodeFsBackend {
  if (typeof options.root !== "string" || options.root === "") {
    throw new LivingReportsError(ErrorCode.INVALID_INPUT, "nodeFsBackend: `root` must be a non-empty path");
  }
  const requested = nodePath.resolve(options.root);
  let hostRoot: string;
  try {
    if (options.create === true) fs.mkdirSync(requested, { recursive: true });
    hostRoot = fs.realpathSync(requested);
  } catch (err) {
    throw fromSystemError(err, requested, options.create === true ? "create root" : "open root");
  }
  if (!fs.statSync(hostRoot).isDirectory()) {
    throw new LivingReportsError(ErrorCode.WRONG_KIND, `root ${requested} is not a directory`, {
      path: requested,
    });
  }
  return new NodeFs(hostRoot, options);
}

/**
 * The backend. Every call is synchronous inside its promise except syncs, which the process-wide
 * scheduler may send to the thread pool: the measurements show a thread-pool hop costs more than
 * the page-cache work of a metadata call or a small write (docs/measurements/syncVsPromise.md).
 */
class NodeFs implements NodeFsBackend {
  readonly capabilities: BackendCapabilities = {
    name: "node-fs",
    hardLinks: true,
    directorySync: !IS_WINDOWS,
    durability: "real",
  };
  readonly storageId: string;
  private readonly confinement: Confinement;
  private readonly fsyncApi: FsyncApi;
  private readonly lockOptions: NodeFsBackendOptions["locks"];

  constructor(
    readonly hostRoot: string,
    options: NodeFsBackendOptions,
  ) {
    this.storageId = `node-fs:${hostRoot}`;
    this.confinement = new Confinement(hostRoot);
    this.fsyncApi = options.fsyncApi ?? "adaptive";
    this.lockOptions = options.locks;
  }

  async open(path: string, mode: OpenMode): Promise<FileHandle> {
    const p = this.confinement.resolve(path, "open");
    const fd = this.openRegular(p, openFlags(mode), "open");
    return new NodeFileHandle(p.rel, fd, mode, processSyncScheduler, this.fsyncApi);
  }

  async readFile(path: string): Promise<Uint8Array> {
    const p = this.confinement.resolve(path, "readFile");
    const fd = this.openRegular(p, fs.constants.O_RDONLY | O_NOFOLLOW | O_NONBLOCK, "readFile");
    try {
      const buf = fs.readFileSync(fd);
      return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    } catch (err) {
      throw fromSystemError(err, p.rel, "readFile");
    } finally {
      fs.closeSync(fd);
    }
  }

  async syncDir(path: string): Promise<void> {
    const p = this.confinement.resolve(path, "syncDir");
    // Windows cannot open a directory for fsync; capabilities.directorySync says so.
    if (IS_WINDOWS) return;
    const fd = this.openFd(p, fs.constants.O_RDONLY | O_DIRECTORY | O_NOFOLLOW, "opendir");
    try {
      await processSyncScheduler.sync(fd, false, this.fsyncApi, false);
    } catch (err) {
      throw fromSystemError(err, p.rel, "syncDir");
    } finally {
      fs.closeSync(fd);
    }
  }

  async rename(from: string, to: string): Promise<void> {
    const src = this.confinement.resolve(from, "rename");
    const dst = this.confinement.resolve(to, "rename");
    // rename(2) never follows a symlink on either side: it moves or replaces the link itself.
    try {
      fs.renameSync(src.abs, dst.abs);
    } catch (err) {
      throw fromSystemError(err, src.rel, "rename");
    } finally {
      this.confinement.forget(src.rel);
      this.confinement.forget(dst.rel);
    }
  }

  async link(existing: string, to: string): Promise<void> {
    const src = this.confinement.resolve(existing, "link");
    const dst = this.confinement.resolve(to, "link");
    // link(2) follows a symlink source on some systems (macOS): refuse one outright.
    this.lstatNoSymlink(src, "link");
    try {
      fs.linkSync(src.abs, dst.abs);
    } catch (err) {
      throw fromSystemError(err, src.rel, "link");
    }
  }

  async unlink(path: string): Promise<void> {
    const p = this.confinement.resolve(path, "unlink");
    try {
      fs.unlinkSync(p.abs);
    } catch (err) {
      throw fromSystemError(err, p.rel, "unlink");
    }
    this.confinement.forget(p.rel);
  }

  async mkdir(path: string): Promise<void> {
    const p = this.confinement.resolve(path, "mkdir");
    try {
      fs.mkdirSync(p.abs);
    } catch (err) {
      throw fromSystemError(err, p.rel, "mkdir");
    }
    this.confinement.remember(p.rel);
  }

  async rmdir(path: string): Promise<void> {
    const p = this.confinement.resolve(path, "rmdir");
    try {
      fs.rmdirSync(p.abs);
    } catch (err) {
      throw fromSystemError(err, p.rel, "rmdir");
    } finally {
      this.confinement.forget(p.rel);
    }
  }

  async readdir(path: string): Promise<string[]> {
    const p = this.confinement.resolve(path, "readdir");
    if (p.rel !== "") this.lstatNoSymlink(p, "readdir");
    try {
      return fs.readdirSync(p.abs).sort();
    } catch (err) {
      throw fromSystemError(err, p.rel, "readdir");
    }
  }

  async stat(path: string): Promise<FileStat> {
    const st = await this.statIfExists(path);
    if (st === undefined) throw fromSystemError(missingEntry(path), normalizePath(path), "stat");
    return st;
  }

  async statIfExists(path: string): Promise<FileStat | undefined> {
    let p: ResolvedPath;
    try {
      p = this.confinement.resolve(path, "stat");
    } catch (err) {
      // A directory on the way is missing (checked before the lstat): nothing there either.
      if (err instanceof LivingReportsError && err.code === ErrorCode.NOT_FOUND) return undefined;
      throw err;
    }
    let st: fs.Stats | undefined;
    try {
      // A missing file is the common answer on the hot path (a free backup name, a lock not
      // held): not asking Node to build a system error for it makes the call several times cheaper.
      st = fs.lstatSync(p.abs, { throwIfNoEntry: false });
    } catch (err) {
      throw fromSystemError(err, p.rel, "stat");
    }
    return st === undefined ? undefined : toFileStat(st);
  }

  async utimes(path: string, mtimeMs: number): Promise<void> {
    const p = this.confinement.resolve(path, "utimes");
    const st = this.lstatNoSymlink(p, "utimes");
    try {
      // lutimes: should the path become a symlink after the check, only the link itself changes.
      fs.lutimesSync(p.abs, st.atimeMs / 1000, mtimeMs / 1000);
    } catch (err) {
      throw fromSystemError(err, p.rel, "utimes");
    }
  }

  /** The wall clock: locks on a real disk are judged by the time their mtimes are stamped with. */
  get clock(): Clock {
    return systemClock;
  }

  /** mkdir locks made through `on` (docs/LOCKS.md). */
  lockPrimitive(on: StorageBackend): LockPrimitive {
    return nodeFsLockPrimitive(on, this.lockOptions ?? {});
  }

  /**
   * Opens a file that must be a regular file. The open never blocks (`O_NONBLOCK`: a FIFO would
   * otherwise wait for a peer forever, and no signal handler could run meanwhile); the descriptor
   * is then checked with fstat, and anything but a regular file (a directory, which Linux opens
   * read-only without complaint, a FIFO, a socket, a device) is closed and refused as WRONG_KIND.
   */
  private openRegular(p: ResolvedPath, flags: number, op: string): number {
    const fd = this.openFd(p, flags, op);
    let st: fs.Stats;
    try {
      st = fs.fstatSync(fd);
    } catch (err) {
      fs.closeSync(fd);
      throw fromSystemError(err, p.rel, op);
    }
    if (st.isFile()) return fd;
    fs.closeSync(fd);
    const what = st.isDirectory() ? "is a directory" : "is not a regular file (a FIFO, socket or device)";
    throw new LivingReportsError(ErrorCode.WRONG_KIND, `${op} ${p.rel}: ${what}`, { path: p.rel });
  }

  private openFd(p: ResolvedPath, flags: number, op: string): number {
    try {
      return fs.openSync(p.abs, flags, 0o666);
    } catch (err) {
      if (isSymlinkRefusal(err, p.abs)) throw symlinkError(p.rel, op, p.rel, err);
      throw fromSystemError(err, p.rel, op);
    }
  }

  private lstatNoSymlink(p: ResolvedPath, op: string): fs.Stats {
    let st: fs.Stats;
    try {
      st = fs.lstatSync(p.abs);
    } catch (err) {
      throw fromSystemError(err, p.rel, op);
    }
    if (st.isSymbolicLink()) throw symlinkError(p.rel, op, p.rel);
    return st;
  }
}

/** The ENOENT a throwing lstat would have raised, without the cost of Node's system error. */
function missingEntry(abs: string): { code: string; syscall: string; path: string; message: string } {
  return {
    code: "ENOENT",
    syscall: "lstat",
    path: abs,
    message: `no such file or directory, lstat '${abs}'`,
  };
}
