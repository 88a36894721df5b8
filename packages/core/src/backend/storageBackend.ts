import type { Clock } from "../lock/clock.js";
import type { LockPrimitive } from "../lock/lockPrimitive.js";

/**
 * How a file is opened:
 * - `r`  read an existing file
 * - `r+` read and write an existing file
 * - `w`  create or truncate, write
 * - `wx` create exclusively (fails ALREADY_EXISTS), write
 * - `a`  create if missing, every write appends
 */
export type OpenMode = "r" | "r+" | "w" | "wx" | "a";

/** What `stat` reports. Symlinks are never followed (lstat semantics). */
export interface FileStat {
  readonly kind: "file" | "directory" | "symlink" | "other";
  readonly size: number;
  readonly mtimeMs: number;
  /** Inode number where the backend has one (0 otherwise). */
  readonly ino: number;
}

/**
 * An open file. Durability is explicit: nothing written is durable until {@link sync} or
 * {@link datasync} resolves, and a created file's *name* is durable only once its parent
 * directory is synced ({@link StorageBackend.syncDir}).
 */
export interface FileHandle {
  /** The root-relative path this handle was opened with. */
  readonly path: string;
  /** Reads up to `length` bytes at `position`; a shorter result means end of file. */
  read(length: number, position: number): Promise<Uint8Array>;
  /**
   * Writes all of `data` at `position`, or at the end for mode `a` (position ignored) or the
   * current offset when `position` is omitted. Resolves to the number of bytes written; a
   * short write (less than `data.length`) is possible only under fault injection.
   */
  write(data: Uint8Array, position?: number): Promise<number>;
  /** fsync: data and metadata durable. Throws FSYNC_FAILED on failure. */
  sync(): Promise<void>;
  /** fdatasync: data (and the size) durable. Throws FSYNC_FAILED on failure. */
  datasync(): Promise<void>;
  /** Cuts or extends the file to `length` bytes (volatile until synced). */
  truncate(length: number): Promise<void>;
  /** The open file's stat. */
  stat(): Promise<FileStat>;
  /** Closes the handle. Closing never makes anything durable. */
  close(): Promise<void>;
}

/** What a backend can do; core adapts (e.g. copies a backup when there are no hard links). */
export interface BackendCapabilities {
  /** Short name shown in test titles and diagnostics (`node-fs`, `memfs`, ...). */
  readonly name: string;
  /** `link` works (backups without copying). */
  readonly hardLinks: boolean;
  /** `syncDir` really makes directory entries durable (false on Windows: it is then a no-op). */
  readonly directorySync: boolean;
  /**
   * Every change of names (a file's creation, `rename`, `link`, `unlink`, `mkdir`, `rmdir`,
   * `replaceFile`) is durable when it resolves, so `syncDir` only checks its path (PostgreSQL).
   * Absent or false: names are durable at the directory's `syncDir`, as on a disk.
   */
  readonly durableNames?: boolean;
  /**
   * What a crash does to unsynced changes: `real` (a real disk), `simulated` (a durability
   * model that can be crashed on purpose), or `none` (nothing survives a process exit).
   */
  readonly durability: "real" | "simulated" | "none";
}

/**
 * The storage-backend interface: every byte living-reports reads or writes goes through one of
 * these few primitives, so a recorder can trace them and a crash model can replay them.
 *
 * All paths are root-relative, `/`-separated, with no `.`/`..` segments, no NUL and no leading
 * `/` (see {@link normalizePath}); a backend rejects anything else with INVALID_PATH before
 * touching the disk, and never follows a symlink out of its root.
 *
 * Every failure is a {@link LivingReportsError} mapped with {@link fromSystemError}
 * (ENOENT → NOT_FOUND, EIO → STORAGE_FAILURE, failed fsync → FSYNC_FAILED, ...).
 */
export interface StorageBackend {
  readonly capabilities: BackendCapabilities;
  /**
   * Identifies the storage this instance works on: two instances over the same root (or the same
   * memfs disk) have the same id, so that in-process lock queues can be shared between them.
   * E.g. `node-fs:/abs/root`, `memfs:<disk uuid>`.
   */
  readonly storageId: string;
  /** Opens a file. Parent directories are never created implicitly. */
  open(path: string, mode: OpenMode): Promise<FileHandle>;
  /** Reads a whole file. */
  readFile(path: string): Promise<Uint8Array>;
  /** fsync of a directory: its entries (create, rename, link, unlink, mkdir, rmdir) become durable. `""` is the root. */
  syncDir(path: string): Promise<void>;
  /** Atomically renames `from` to `to`, replacing a file at `to`. Durable once both parents are synced. */
  rename(from: string, to: string): Promise<void>;
  /** Makes `to` a hard link to `existing` (only when `capabilities.hardLinks`). */
  link(existing: string, to: string): Promise<void>;
  /** Removes a file. */
  unlink(path: string): Promise<void>;
  /** Creates one directory (parent must exist); ALREADY_EXISTS if it does. */
  mkdir(path: string): Promise<void>;
  /** Removes an empty directory. */
  rmdir(path: string): Promise<void>;
  /** Names in a directory, sorted, without `.` and `..`. */
  readdir(path: string): Promise<string[]>;
  /** lstat of a path: NOT_FOUND when absent. */
  stat(path: string): Promise<FileStat>;
  /**
   * Optional: {@link stat}, but resolving `undefined` where `stat` rejects with NOT_FOUND (every
   * other failure rejects the same). For backends where a missing path is cheaper to report
   * without an error: the store asks about paths that are usually missing on every commit (a
   * free backup name, a lock or a waiting marker nobody holds). Core's `statIfExists` falls back
   * to `stat` when a backend does not offer it. Wrappers built on `DelegatingBackend` do not offer
   * it, on purpose: calls through them take the fallback, so whatever a wrapper does to `stat`
   * (record it, fault it) applies to these calls too.
   */
  statIfExists?(path: string): Promise<FileStat | undefined>;
  /**
   * Optional: replaces (or creates) the file at `path` with a new file holding `data`, in one
   * step: every reader sees the old file or the new one whole, as after core's `atomicReplace`
   * without its syncs (a temp file written and renamed over `path`). Neither the data nor the name
   * is durable before a later `syncDir` of its directory (or any later sync that covers it)
   * resolves: a crash before may leave the old file or the new one (on a disk, the temp file's way
   * may even leave the new one torn; callers that skip the syncs accept that). For backends where
   * the temp file's calls each cost a round trip. Core uses it only where `atomicReplace` is asked
   * not to sync. Wrappers built on `DelegatingBackend` do not offer it, on purpose (their callers
   * take the temp file and the rename, so a trace, a fault or a crash explorer sees each step),
   * except the store's lock-bound view, which checks its lock first as for every write.
   */
  replaceFile?(path: string, data: Uint8Array): Promise<void>;
  /** Sets a path's modification time (locks refresh with it; tests age lock files with it). */
  utimes(path: string, mtimeMs: number): Promise<void>;
  /**
   * The clock locks on this storage are judged by (staleness, timeouts, refreshes): wall time, a
   * virtual clock (memfs), or a clock that follows a server's time.
   */
  readonly clock: Clock;
  /**
   * The raw cross-process lock on this storage (see {@link LockPrimitive}); core builds the one
   * lock manager on top of it (`createLockManager`). `on` is the outermost wrapper of this backend
   * (a recorder, a fault injector), so that a primitive working through files creates them through
   * it and they show in its trace.
   */
  lockPrimitive(on: StorageBackend): LockPrimitive;
}
