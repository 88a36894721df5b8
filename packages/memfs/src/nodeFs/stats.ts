import type { FileStat } from "@living-reports/core";
import { FS_CONSTANTS } from "./flags.js";

const BLOCK = 4096;

/**
 * The `is*()` predicates that `fs.Stats` and `fs.Dirent` share, from the backend's kind of entry
 * (the disk holds no devices, FIFOs or sockets).
 */
abstract class EntryKind {
  readonly #kind: FileStat["kind"];

  constructor(kind: FileStat["kind"]) {
    this.#kind = kind;
  }

  isFile(): boolean {
    return this.#kind === "file";
  }
  isDirectory(): boolean {
    return this.#kind === "directory";
  }
  isSymbolicLink(): boolean {
    return this.#kind === "symlink";
  }
  isBlockDevice(): boolean {
    return false;
  }
  isCharacterDevice(): boolean {
    return false;
  }
  isFIFO(): boolean {
    return false;
  }
  isSocket(): boolean {
    return false;
  }
}

/**
 * A `fs.Stats` of the facade: what the backend reports (kind, size, mtime, inode), the rest as
 * a single-user disk would have it (mode 644/755, uid/gid of this process, one link, every time
 * equal to the mtime: the model keeps no access or change times).
 */
export class FacadeStats extends EntryKind {
  readonly dev = 1;
  readonly ino: number;
  readonly mode: number;
  readonly nlink = 1;
  readonly uid: number = process.getuid?.() ?? 0;
  readonly gid: number = process.getgid?.() ?? 0;
  readonly rdev = 0;
  readonly size: number;
  readonly blksize = BLOCK;
  readonly blocks: number;
  readonly atimeMs: number;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
  readonly birthtimeMs: number;
  readonly atime: Date;
  readonly mtime: Date;
  readonly ctime: Date;
  readonly birthtime: Date;

  constructor(stat: FileStat) {
    super(stat.kind);
    this.ino = stat.ino;
    this.size = stat.size;
    const type =
      stat.kind === "directory"
        ? FS_CONSTANTS.S_IFDIR
        : stat.kind === "symlink"
          ? FS_CONSTANTS.S_IFLNK
          : FS_CONSTANTS.S_IFREG;
    this.mode = type | (stat.kind === "directory" ? 0o755 : 0o644);
    this.blocks = Math.ceil(stat.size / 512);
    this.atimeMs = this.mtimeMs = this.ctimeMs = this.birthtimeMs = stat.mtimeMs;
    this.atime = new Date(stat.mtimeMs);
    this.mtime = new Date(stat.mtimeMs);
    this.ctime = new Date(stat.mtimeMs);
    this.birthtime = new Date(stat.mtimeMs);
  }
}

/** A `fs.Dirent` of the facade (`readdir` with `withFileTypes`). */
export class FacadeDirent extends EntryKind {
  readonly name: string;
  readonly parentPath: string;
  readonly path: string;

  constructor(name: string, parentPath: string, kind: FileStat["kind"]) {
    super(kind);
    this.name = name;
    this.parentPath = parentPath;
    this.path = parentPath;
  }
}
