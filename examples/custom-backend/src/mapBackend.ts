import { randomUUID } from "node:crypto";
import {
  type BackendCapabilities,
  type Clock,
  dirname,
  ErrorCode,
  type FileHandle,
  type FileStat,
  fromSystemError,
  LivingReportsError,
  type LockPrimitive,
  mkdirPrimitive,
  normalizePath,
  type OpenMode,
  type StorageBackend,
  systemClock,
} from "@living-reports/core";

// A new storage backend, written from scratch: files kept in a JavaScript Map, nothing survives
// the process. Small on purpose, yet complete enough for the whole conformance suite, which is
// the point of this example: implement the few primitives of `StorageBackend` the way POSIX
// behaves, report failures as errno-like errors through `fromSystemError`, offer core's mkdir lock
// primitive and a clock (core builds the one lock manager from them), and the testkit tells you
// whether the store's guarantees hold on it.

interface Inode {
  readonly ino: number;
  data: Uint8Array;
  mtimeMs: number;
}
interface Dir {
  readonly ino: number;
  mtimeMs: number;
}
type Node = { kind: "file"; inode: Inode } | { kind: "directory"; dir: Dir };

/** The shared state of every {@link MapBackend} over one "disk": what processes share on a real one. */
export class MapDisk {
  readonly id = `map:${randomUUID()}`;
  /** Root-relative path → node; hard links are two paths to one inode. */
  readonly nodes = new Map<string, Node>([["", { kind: "directory", dir: { ino: 1, mtimeMs: Date.now() } }]]);
  #lastIno = 1;
  nextIno(): number {
    this.#lastIno += 1;
    return this.#lastIno;
  }
}

/** What `fromSystemError` maps, as Node's fs would have thrown it (ENOENT → NOT_FOUND, ...). */
function posixError(code: string, path: string, op: string): LivingReportsError {
  return fromSystemError(Object.assign(new Error(`${code}: ${op} '${path}'`), { code }), path, op);
}

const CAPABILITIES: BackendCapabilities = {
  name: "map",
  hardLinks: true,
  // Everything is "durable" at once, and nothing survives the process: no crash to simulate.
  directorySync: true,
  durability: "none",
};

/**
 * A `StorageBackend` over a {@link MapDisk}. Every path is checked by core's `normalizePath`
 * before anything is touched (INVALID_PATH otherwise); failures are `LivingReportsError`s with
 * the POSIX error's code mapped (NOT_FOUND, ALREADY_EXISTS, WRONG_KIND, STORAGE_FAILURE).
 */
export class MapBackend implements StorageBackend {
  readonly capabilities = CAPABILITIES;
  constructor(readonly disk: MapDisk = new MapDisk()) {}

  get storageId(): string {
    return this.disk.id;
  }

  async open(path: string, mode: OpenMode): Promise<FileHandle> {
    const p = normalizePath(path);
    let node = this.#lookup(p, "open");
    if (node !== undefined && mode === "wx") throw posixError("EEXIST", p, "open");
    if (node === undefined) {
      if (mode === "r" || mode === "r+") throw posixError("ENOENT", p, "open");
      node = {
        kind: "file",
        inode: { ino: this.disk.nextIno(), data: new Uint8Array(0), mtimeMs: Date.now() },
      };
      this.#add(p, node);
    }
    if (node.kind !== "file") throw posixError("EISDIR", p, "open");
    if (mode === "w") node.inode.data = new Uint8Array(0);
    return new MapFileHandle(p, node.inode, mode);
  }

  async readFile(path: string): Promise<Uint8Array> {
    return this.#file(normalizePath(path), "open").data.slice();
  }

  async syncDir(path: string): Promise<void> {
    this.#dir(normalizePath(path), "open");
  }

  async rename(from: string, to: string): Promise<void> {
    const [src, dst] = [normalizePath(from), normalizePath(to)];
    const node = this.#existing(src, "rename");
    const target = this.#lookup(dst, "rename");
    if (src === dst) return;
    if (dst.startsWith(`${src}/`)) throw posixError("EINVAL", dst, "rename");
    if (target !== undefined) {
      if (node.kind === "file" && target.kind === "directory") throw posixError("EISDIR", dst, "rename");
      if (node.kind === "directory" && target.kind === "file") throw posixError("ENOTDIR", dst, "rename");
      if (target.kind === "directory" && this.#children(dst).length > 0)
        throw posixError("ENOTEMPTY", dst, "rename");
    }
    // One synchronous step: a concurrent reader sees the old tree or the new one, never a mix.
    for (const [key, value] of [...this.disk.nodes]) {
      if (key === src || key.startsWith(`${src}/`)) {
        this.disk.nodes.delete(key);
        this.disk.nodes.set(dst + key.slice(src.length), value);
      }
    }
    this.#touch(dirname(src));
    this.#touch(dirname(dst));
  }

  async link(existing: string, to: string): Promise<void> {
    const [src, dst] = [normalizePath(existing), normalizePath(to)];
    const node = this.#existing(src, "link");
    if (this.#lookup(dst, "link") !== undefined) throw posixError("EEXIST", dst, "link");
    if (node.kind !== "file") throw posixError("EPERM", src, "link");
    this.#add(dst, node);
  }

  async unlink(path: string): Promise<void> {
    const p = normalizePath(path);
    if (this.#existing(p, "unlink").kind !== "file") throw posixError("EISDIR", p, "unlink");
    this.#remove(p);
  }

  async mkdir(path: string): Promise<void> {
    const p = normalizePath(path);
    if (this.#lookup(p, "mkdir") !== undefined) throw posixError("EEXIST", p, "mkdir");
    this.#add(p, { kind: "directory", dir: { ino: this.disk.nextIno(), mtimeMs: Date.now() } });
  }

  async rmdir(path: string): Promise<void> {
    const p = normalizePath(path);
    this.#dir(p, "rmdir");
    if (p === "") throw posixError("EBUSY", p, "rmdir");
    if (this.#children(p).length > 0) throw posixError("ENOTEMPTY", p, "rmdir");
    this.#remove(p);
  }

  async readdir(path: string): Promise<string[]> {
    const p = normalizePath(path);
    this.#dir(p, "scandir");
    return this.#children(p).sort();
  }

  async stat(path: string): Promise<FileStat> {
    return statOf(this.#existing(normalizePath(path), "lstat"));
  }

  async utimes(path: string, mtimeMs: number): Promise<void> {
    const node = this.#existing(normalizePath(path), "utimes");
    if (node.kind === "file") node.inode.mtimeMs = mtimeMs;
    else node.dir.mtimeMs = mtimeMs;
  }

  /** Locks are judged by wall time (the mtimes this backend stamps are wall time too). */
  readonly clock: Clock = systemClock;

  lockPrimitive(on: StorageBackend): LockPrimitive {
    // Core's mkdir primitive over `on` (this backend, or a recorder / fault injector wrapping it):
    // lock directories made with mkdir, refreshed with utimes, judged stale by their mtime. Core's
    // lock manager (queues, stale reclaim, refresh) is built on top of it by the store.
    return mkdirPrimitive(on, this.clock);
  }

  /** The node at `p`, or undefined; ENOTDIR/ENOENT when a parent is missing or not a directory. */
  #lookup(p: string, op: string): Node | undefined {
    if (p === "") return this.disk.nodes.get("");
    let ancestor = dirname(p);
    if (this.disk.nodes.get(ancestor)?.kind === "directory") return this.disk.nodes.get(p);
    for (;;) {
      if (this.disk.nodes.get(ancestor)?.kind === "file") throw posixError("ENOTDIR", p, op);
      if (ancestor === "") throw posixError("ENOENT", p, op);
      ancestor = dirname(ancestor);
    }
  }
  #existing(p: string, op: string): Node {
    const node = this.#lookup(p, op);
    if (node === undefined) throw posixError("ENOENT", p, op);
    return node;
  }
  #file(p: string, op: string): Inode {
    const node = this.#existing(p, op);
    if (node.kind !== "file") throw posixError("EISDIR", p, op);
    return node.inode;
  }
  #dir(p: string, op: string): Dir {
    const node = this.#existing(p, op);
    if (node.kind !== "directory") throw posixError("ENOTDIR", p, op);
    return node.dir;
  }
  #children(p: string): string[] {
    const prefix = p === "" ? "" : `${p}/`;
    return [...this.disk.nodes.keys()]
      .filter((key) => key !== "" && key.startsWith(prefix) && !key.slice(prefix.length).includes("/"))
      .map((key) => key.slice(prefix.length));
  }
  #add(p: string, node: Node): void {
    this.disk.nodes.set(p, node);
    this.#touch(dirname(p));
  }
  #remove(p: string): void {
    this.disk.nodes.delete(p);
    this.#touch(dirname(p));
  }
  #touch(dir: string): void {
    const node = this.disk.nodes.get(dir);
    if (node?.kind === "directory") node.dir.mtimeMs = Date.now();
  }
}

function statOf(node: Node): FileStat {
  return node.kind === "file"
    ? { kind: "file", size: node.inode.data.length, mtimeMs: node.inode.mtimeMs, ino: node.inode.ino }
    : { kind: "directory", size: 0, mtimeMs: node.dir.mtimeMs, ino: node.dir.ino };
}

/** An open file: a position, a mode (`w`, `wx` and `a` are write-only, as with POSIX open). */
class MapFileHandle implements FileHandle {
  #offset = 0;
  #closed = false;
  constructor(
    readonly path: string,
    private readonly inode: Inode,
    private readonly mode: OpenMode,
  ) {}

  async read(length: number, position: number): Promise<Uint8Array> {
    this.#check("read");
    if (this.mode !== "r" && this.mode !== "r+") throw posixError("EBADF", this.path, "read");
    return this.inode.data.slice(position, position + length);
  }
  async write(data: Uint8Array, position?: number): Promise<number> {
    this.#check("write");
    if (this.mode === "r") throw posixError("EBADF", this.path, "write");
    const at = this.mode === "a" ? this.inode.data.length : (position ?? this.#offset);
    const grown = new Uint8Array(Math.max(this.inode.data.length, at + data.length));
    grown.set(this.inode.data);
    grown.set(data, at);
    this.inode.data = grown;
    this.inode.mtimeMs = Date.now();
    if (position === undefined || this.mode === "a") this.#offset = at + data.length;
    return data.length;
  }
  async sync(): Promise<void> {
    this.#check("fsync");
  }
  async datasync(): Promise<void> {
    this.#check("fdatasync");
  }
  async truncate(length: number): Promise<void> {
    this.#check("ftruncate");
    if (this.mode === "r") throw posixError("EINVAL", this.path, "ftruncate");
    const cut = new Uint8Array(length);
    cut.set(this.inode.data.subarray(0, length));
    this.inode.data = cut;
    this.inode.mtimeMs = Date.now();
  }
  async stat(): Promise<FileStat> {
    this.#check("fstat");
    return { kind: "file", size: this.inode.data.length, mtimeMs: this.inode.mtimeMs, ino: this.inode.ino };
  }
  async close(): Promise<void> {
    this.#closed = true;
  }
  #check(op: string): void {
    if (this.#closed) {
      throw new LivingReportsError(ErrorCode.CLOSED, `${op} on a closed handle`, { path: this.path });
    }
  }
}
