import {
  basename,
  type Clock,
  dirname,
  ErrorCode,
  type FileStat,
  fromSystemError,
  LivingReportsError,
  type OpenMode,
} from "@living-reports/core";
import type { Volume } from "memfs";
import type { DurabilityModel } from "./durabilityModel.js";
import type { EntryChangeKind } from "./pendingChange.js";
import {
  guardedLink,
  guardPath,
  lstatOrUndefined,
  plainSystemError,
  systemError,
  toFileStat,
  type VolumeStat,
  volumePath,
} from "./volumePaths.js";

/** An open file as the live filesystem tracks it. */
export interface OpenFile {
  readonly fd: number;
  /** The model's inode id, fixed at open: memfs reuses inode numbers of deleted files. */
  readonly inode: number;
  readonly path: string;
  readonly mode: OpenMode;
}

/** What a {@link LiveFs} is made of; the disk builds it from a fresh or crashed image. */
export interface LiveFsParts {
  readonly volume: Volume;
  readonly inoToId: Map<number, number>;
  readonly model: DurabilityModel;
  readonly mtimes: Map<number, number>;
  readonly clock: Clock;
  readonly nextId: number;
}

/**
 * The live filesystem: every mutation is done on the memfs volume (which reads see) and recorded
 * in the durability model at once, in the same synchronous step, so the two never disagree.
 *
 * Paths are root-relative and already normalised. Errors are raw (memfs errno errors, or
 * INVALID_PATH for symlinks); the backend maps them. Inodes carry the model's own ids, which are
 * never reused, unlike memfs inode numbers.
 */
export class LiveFs {
  readonly volume: Volume;
  readonly model: DurabilityModel;
  readonly clock: Clock;
  readonly #inoToId: Map<number, number>;
  /** Last mtime of every inode, deleted ones included: a crash may bring one back. */
  readonly #mtimes: Map<number, number>;
  readonly #openCounts = new Map<number, number>();
  #nextId: number;

  constructor(parts: LiveFsParts) {
    this.volume = parts.volume;
    this.model = parts.model;
    this.clock = parts.clock;
    this.#inoToId = parts.inoToId;
    this.#mtimes = parts.mtimes;
    this.#nextId = parts.nextId;
  }

  /** The next inode id this filesystem would hand out. */
  get nextId(): number {
    return this.#nextId;
  }

  /** A fresh inode id (never used before on this disk or the disks it came from). */
  allocateId(): number {
    return this.#nextId++;
  }

  /** The last mtime recorded for an inode. */
  mtimeOf(id: number): number | undefined {
    return this.#mtimes.get(id);
  }

  /** A copy of every recorded mtime. */
  mtimes(): Map<number, number> {
    return new Map(this.#mtimes);
  }

  /** The model id of a memfs inode number; nodes made behind the model's back get one lazily. */
  idOfIno(ino: number): number {
    let id = this.#inoToId.get(ino);
    if (id === undefined) {
      id = this.allocateId();
      this.#inoToId.set(ino, id);
    }
    return id;
  }

  open(path: string, mode: OpenMode): OpenFile {
    const existing = guardPath(this.volume, path);
    if (existing?.isDirectory()) throw systemError("EISDIR", "open", path);
    // Only regular files are opened, as node-fs refuses a FIFO or device before it could block.
    if (existing !== undefined && !existing.isFile()) throw notRegular("open", path);
    const fd = this.volume.openSync(volumePath(path), mode);
    if (existing !== undefined) {
      const inode = this.#idOf(existing);
      if (mode === "w") {
        this.model.recordTruncate(inode, path, 0);
        this.#touchFd(fd, inode);
      }
      return this.#opened({ fd, inode, path, mode });
    }
    const inode = this.#newNode(this.volume.fstatSync(fd).ino, "file");
    this.#recordEntry("create", path, inode);
    this.#touchFd(fd, inode);
    return this.#opened({ fd, inode, path, mode });
  }

  read(file: OpenFile, length: number, position: number): Uint8Array {
    if (file.mode === "w" || file.mode === "wx" || file.mode === "a")
      throw systemError("EBADF", "read", file.path);
    const buf = Buffer.alloc(length);
    const n = this.volume.readSync(file.fd, buf, 0, length, position);
    return new Uint8Array(buf.buffer, buf.byteOffset, n);
  }

  /** Writes all of `data` at `position` (at the end for mode `a`); returns the offset used. */
  write(file: OpenFile, data: Uint8Array, position: number): number {
    if (file.mode === "r") throw systemError("EBADF", "write", file.path);
    const offset = file.mode === "a" ? this.volume.fstatSync(file.fd).size : position;
    if (data.length === 0) return offset;
    this.volume.writeSync(file.fd, data, 0, data.length, offset);
    this.model.recordWrite(file.inode, file.path, offset, data);
    this.#touchFd(file.fd, file.inode);
    return offset;
  }

  truncate(file: OpenFile, length: number): void {
    if (file.mode === "r") throw systemError("EBADF", "ftruncate", file.path);
    this.volume.ftruncateSync(file.fd, length);
    this.model.recordTruncate(file.inode, file.path, length);
    this.#touchFd(file.fd, file.inode);
  }

  /** A failed fsync that loses the file's unsynced data (see `DurabilityModel.dropData`). */
  loseUnsynced(file: OpenFile): void {
    this.model.dropData(file.inode);
  }

  /** fsync/fdatasync: the file's pending data changes become durable. */
  sync(file: OpenFile): void {
    this.volume.fsyncSync(file.fd);
    this.model.syncData(file.inode);
  }

  fstat(file: OpenFile): FileStat {
    return toFileStat(this.volume.fstatSync(file.fd), file.inode);
  }

  close(file: OpenFile): void {
    this.volume.closeSync(file.fd);
    const count = (this.#openCounts.get(file.inode) ?? 1) - 1;
    if (count <= 0) this.#openCounts.delete(file.inode);
    else this.#openCounts.set(file.inode, count);
  }

  readFile(path: string): Uint8Array {
    const node = guardedLink(this.volume, path)?.getNode();
    if (node?.isDirectory()) throw systemError("EISDIR", "read", path);
    if (node !== undefined && !node.isFile() && !node.isSymlink()) throw notRegular("read", path);
    // A file is read from its node (a copy, as readFileSync makes); anything else is left to
    // memfs, for its exact error.
    const buf = node?.isFile() ? node.getBuffer() : (this.volume.readFileSync(volumePath(path)) as Buffer);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  /**
   * fsync of a directory. Failing to find the directory is reported as the open that a real
   * directory fsync starts with (NOT_FOUND, WRONG_KIND), not as a failed fsync.
   */
  syncDir(path: string): void {
    let dir: number;
    try {
      const stat = this.#mustExist(guardPath(this.volume, path), path);
      if (!stat.isDirectory()) throw systemError("ENOTDIR", "open", path);
      dir = this.#idOf(stat);
    } catch (err) {
      throw fromSystemError(plainSystemError(err), path, "open");
    }
    this.model.syncDir(dir);
    const kept = this.model.maybeCollect(this.#openCounts.keys());
    if (kept !== undefined)
      for (const id of [...this.#mtimes.keys()]) if (!kept.has(id)) this.#mtimes.delete(id);
  }

  rename(from: string, to: string): void {
    if (from === "" || to === "") throw systemError("EBUSY", "rename", from === "" ? from : to);
    // Linux's order: both parents are looked up, then the source, then the checks on the two.
    for (const path of [from, to]) {
      const parent = this.#parentOf(path);
      if (parent === undefined) throw systemError("ENOENT", "rename", path);
      if (!parent.isDirectory()) throw systemError("ENOTDIR", "rename", path);
    }
    const source = this.#mustExist(guardPath(this.volume, from), from);
    const target = guardPath(this.volume, to);
    const inode = this.#idOf(source);
    if (source.isDirectory() && to === from) return;
    if (source.isDirectory() && `${to}/`.startsWith(`${from}/`)) throw systemError("EINVAL", "rename", to);
    // Linux checks the target for being an ancestor of the source next, before its kind.
    if (to !== from && `${from}/`.startsWith(`${to}/`)) throw systemError("ENOTEMPTY", "rename", to);
    if (target !== undefined) {
      // POSIX: renaming onto another name of the same inode does nothing.
      if (this.#idOf(target) === inode) return;
      this.#checkReplaceable(source, target, to);
      if (target.isDirectory()) this.volume.rmdirSync(volumePath(to));
      else this.volume.unlinkSync(volumePath(to));
    }
    this.volume.renameSync(volumePath(from), volumePath(to));
    if (dirname(from) === dirname(to)) {
      this.#recordEntry("rename", to, inode, basename(from));
    } else {
      this.#recordEntry("renameOut", from, null);
      this.#recordEntry("renameIn", to, inode);
    }
  }

  link(existing: string, to: string): void {
    const source = this.#mustExist(guardPath(this.volume, existing), existing);
    // Linux's order: the new name's lookup (EEXIST, a missing parent) before a directory's EPERM.
    if (guardPath(this.volume, to) !== undefined) throw systemError("EEXIST", "link", to);
    const toParent = this.#parentOf(to);
    if (toParent === undefined) throw systemError("ENOENT", "link", to);
    if (!toParent.isDirectory()) throw systemError("ENOTDIR", "link", to);
    if (source.isDirectory()) throw systemError("EPERM", "link", existing);
    this.volume.linkSync(volumePath(existing), volumePath(to));
    this.#recordEntry("link", to, this.#idOf(source));
  }

  unlink(path: string): void {
    const stat = this.#mustExist(guardPath(this.volume, path, true), path);
    if (stat.isDirectory()) throw systemError("EISDIR", "unlink", path);
    this.volume.unlinkSync(volumePath(path));
    this.#recordEntry("unlink", path, null);
  }

  mkdir(path: string): void {
    if (guardPath(this.volume, path, true) !== undefined) throw systemError("EEXIST", "mkdir", path);
    this.volume.mkdirSync(volumePath(path));
    const id = this.#newNode(this.#mustExist(guardPath(this.volume, path), path).ino, "dir");
    this.#recordEntry("mkdir", path, id);
    this.#touchPath(path, id);
  }

  rmdir(path: string): void {
    if (path === "") throw systemError("EBUSY", "rmdir", path);
    const stat = this.#mustExist(guardPath(this.volume, path), path);
    if (!stat.isDirectory()) throw systemError("ENOTDIR", "rmdir", path);
    this.volume.rmdirSync(volumePath(path));
    this.#recordEntry("rmdir", path, null);
  }

  readdir(path: string): string[] {
    const link = guardedLink(this.volume, path);
    // A directory is listed from its link; anything else is left to memfs, for its exact error.
    if (link?.getNode().isDirectory()) {
      return [...link.children.keys()].filter((n) => n !== "." && n !== "..").sort();
    }
    return (this.volume.readdirSync(volumePath(path)) as string[]).map(String).sort();
  }

  stat(path: string): FileStat {
    const stat = this.#mustExist(guardPath(this.volume, path, true), path);
    return toFileStat(stat, this.#idOf(stat));
  }

  utimes(path: string, mtimeMs: number): void {
    const stat = this.#mustExist(guardPath(this.volume, path), path);
    const date = new Date(mtimeMs);
    this.volume.utimesSync(volumePath(path), date, date);
    this.#mtimes.set(this.#idOf(stat), mtimeMs);
  }

  #checkReplaceable(source: VolumeStat, target: VolumeStat, to: string): void {
    if (source.isDirectory()) {
      if (!target.isDirectory()) throw systemError("ENOTDIR", "rename", to);
      if (this.volume.readdirSync(volumePath(to)).length > 0) throw systemError("ENOTEMPTY", "rename", to);
    } else if (target.isDirectory()) {
      throw systemError("EISDIR", "rename", to);
    }
  }

  /** Records an entry change in `path`'s parent directory and stamps the parent's mtime. */
  #recordEntry(kind: EntryChangeKind, path: string, inode: number | null, from?: string): void {
    const parent = dirname(path);
    const dir = this.#idOf(this.#mustExist(guardPath(this.volume, parent), parent));
    const change = { kind, path, dir, name: basename(path), inode };
    this.model.recordEntry(from === undefined ? change : { ...change, from });
    this.#touchPath(parent, dir);
  }

  /** The parent directory's lstat (symlinks refused), undefined when missing, ENOTDIR through a file. */
  #parentOf(path: string): VolumeStat | undefined {
    const parent = dirname(path);
    return guardPath(this.volume, parent) ?? lstatOrUndefined(this.volume, parent);
  }

  #newNode(ino: number, kind: "file" | "dir"): number {
    const id = this.allocateId();
    this.#inoToId.set(ino, id);
    this.model.addNode(id, kind);
    return id;
  }

  #opened(file: OpenFile): OpenFile {
    this.#openCounts.set(file.inode, (this.#openCounts.get(file.inode) ?? 0) + 1);
    return file;
  }

  #idOf(stat: VolumeStat): number {
    return this.idOfIno(stat.ino);
  }

  #mustExist(stat: VolumeStat | undefined, path: string): VolumeStat {
    // lstat again to raise memfs's own error (ENOENT, or ENOTDIR through a file).
    return stat ?? this.volume.lstatSync(volumePath(path));
  }

  // mtimes follow the disk's clock, not the wall clock memfs stamps, so lock staleness works on
  // virtual time.
  #touchPath(path: string, id: number): void {
    const now = this.clock.now();
    const date = new Date(now);
    this.volume.utimesSync(volumePath(path), date, date);
    this.#mtimes.set(id, now);
  }

  #touchFd(fd: number, id: number): void {
    const now = this.clock.now();
    const date = new Date(now);
    this.volume.futimesSync(fd, date, date);
    this.#mtimes.set(id, now);
  }
}

/** WRONG_KIND for a path that exists but is not a regular file (nor a directory). */
function notRegular(op: string, path: string): LivingReportsError {
  return new LivingReportsError(ErrorCode.WRONG_KIND, `${op} ${path}: is not a regular file`, { path });
}
