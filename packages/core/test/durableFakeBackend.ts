import { dirname } from "../src/backend/paths.js";
import type { FileHandle, FileStat, OpenMode, StorageBackend } from "../src/backend/storageBackend.js";
import { ErrorCode } from "../src/errors/errorCodes.js";
import { LivingReportsError } from "../src/errors/livingReportsError.js";
import { type Clock, systemClock } from "../src/lock/clock.js";
import type { LockPrimitive } from "../src/lock/lockPrimitive.js";

/** One recorded backend call: `op path` (e.g. `fsync by_id/x/outline.json.tmp-…`). */
export interface Call {
  op: string;
  path: string;
}

/** Returns an error to make a call fail (nothing is changed), or undefined to let it run. */
export type FaultHook = (call: Call) => Error | undefined;

interface Inode {
  data: Uint8Array;
  /** The content as of the last fsync/fdatasync. */
  synced: Uint8Array;
  mtimeMs: number;
  ino: number;
}

/**
 * A small in-memory backend for the durable-primitive unit tests: records every call, can fail
 * any call through {@link FaultHook}, can make writes short, and keeps each file's last synced
 * content so tests can check what was durable when a promise resolved. Not a durability model
 * (that is the memfs package's); directories are only a set of names.
 */
export class FakeBackend implements StorageBackend {
  readonly capabilities;
  readonly storageId = "fake:durable-tests";
  readonly calls: Call[] = [];
  fault: FaultHook | undefined;
  /** When set, each write writes at most this many bytes. */
  shortWrites: number | undefined;
  /** Awaited inside every datasync/sync before it completes (to hold a sync in flight). */
  syncGate: (() => Promise<void>) | undefined;
  readonly files = new Map<string, Inode>();
  readonly dirs = new Set<string>([""]);
  #nextIno = 1;

  constructor(options: { hardLinks?: boolean } = {}) {
    this.capabilities = {
      name: "fake",
      hardLinks: options.hardLinks ?? true,
      directorySync: true,
      durability: "none" as const,
    };
  }

  /** The ops recorded, as `op path` strings. */
  ops(): string[] {
    return this.calls.map((c) => `${c.op} ${c.path}`);
  }

  text(path: string): string {
    return new TextDecoder().decode(this.#file(path).data);
  }

  syncedText(path: string): string {
    return new TextDecoder().decode(this.#file(path).synced);
  }

  put(path: string, content: string | Uint8Array): void {
    const data = typeof content === "string" ? new TextEncoder().encode(content) : content;
    this.files.set(path, { data, synced: data, mtimeMs: 0, ino: this.#nextIno++ });
  }

  record(op: string, path: string): void {
    const call = { op, path };
    this.calls.push(call);
    const err = this.fault?.(call);
    if (err !== undefined) throw err;
  }

  async open(path: string, mode: OpenMode): Promise<FileHandle> {
    this.record(`open:${mode}`, path);
    this.#requireDir(dirname(path), path);
    let inode = this.files.get(path);
    if (mode === "wx" && inode !== undefined) throw sys("EEXIST", path);
    if ((mode === "r" || mode === "r+") && inode === undefined) throw sys("ENOENT", path);
    if (inode === undefined || mode === "w") {
      const fresh: Inode = {
        data: new Uint8Array(0),
        synced: new Uint8Array(0),
        mtimeMs: 0,
        ino: this.#nextIno++,
      };
      if (inode !== undefined) fresh.synced = inode.synced;
      inode = fresh;
      this.files.set(path, inode);
    }
    return this.#handle(path, inode, mode);
  }

  #handle(path: string, inode: Inode, mode: OpenMode): FileHandle {
    let offset = 0;
    const self = this;
    return {
      path,
      async read(length, position) {
        self.record("read", path);
        return inode.data.slice(position, position + length);
      },
      async write(data, position) {
        self.record("write", path);
        const n = Math.min(data.byteLength, self.shortWrites ?? data.byteLength);
        const at = mode === "a" ? inode.data.byteLength : (position ?? offset);
        const grown = new Uint8Array(Math.max(inode.data.byteLength, at + n));
        grown.set(inode.data);
        grown.set(data.subarray(0, n), at);
        inode.data = grown;
        offset = at + n;
        return n;
      },
      async sync() {
        self.record("fsync", path);
        await self.syncGate?.();
        inode.synced = inode.data.slice();
      },
      async datasync() {
        self.record("fdatasync", path);
        await self.syncGate?.();
        inode.synced = inode.data.slice();
      },
      async truncate(length) {
        self.record("ftruncate", path);
        const cut = new Uint8Array(length);
        cut.set(inode.data.subarray(0, length));
        inode.data = cut;
      },
      async stat() {
        return statOf(inode);
      },
      async close() {
        self.record("close", path);
      },
    };
  }

  async readFile(path: string): Promise<Uint8Array> {
    this.record("readFile", path);
    return this.#file(path).data.slice();
  }

  async syncDir(path: string): Promise<void> {
    this.record("syncDir", path);
  }

  async rename(from: string, to: string): Promise<void> {
    this.record("rename", `${from} -> ${to}`);
    const inode = this.#file(from);
    this.#requireDir(dirname(to), to);
    this.files.delete(from);
    this.files.set(to, inode);
  }

  async link(existing: string, to: string): Promise<void> {
    this.record("link", `${existing} -> ${to}`);
    const inode = this.#file(existing);
    this.#requireDir(dirname(to), to);
    if (this.files.has(to)) throw sys("EEXIST", to);
    this.files.set(to, inode);
  }

  async unlink(path: string): Promise<void> {
    this.record("unlink", path);
    this.#file(path);
    this.files.delete(path);
  }

  async mkdir(path: string): Promise<void> {
    this.record("mkdir", path);
    if (this.dirs.has(path)) throw sys("EEXIST", path);
    this.#requireDir(dirname(path), path);
    this.dirs.add(path);
  }

  async rmdir(path: string): Promise<void> {
    this.record("rmdir", path);
    this.dirs.delete(path);
  }

  async readdir(path: string): Promise<string[]> {
    this.record("readdir", path);
    const prefix = path === "" ? "" : `${path}/`;
    const names = [...this.files.keys(), ...this.dirs]
      .filter((p) => p !== path && p.startsWith(prefix) && !p.slice(prefix.length).includes("/"))
      .map((p) => p.slice(prefix.length));
    return names.sort();
  }

  async stat(path: string): Promise<FileStat> {
    this.record("stat", path);
    if (this.dirs.has(path)) return { kind: "directory", size: 0, mtimeMs: 0, ino: 0 };
    return statOf(this.#file(path));
  }

  async utimes(path: string, mtimeMs: number): Promise<void> {
    this.record("utimes", path);
    this.#file(path).mtimeMs = mtimeMs;
  }

  readonly clock: Clock = systemClock;

  lockPrimitive(_on: StorageBackend): LockPrimitive {
    throw new LivingReportsError(ErrorCode.INVALID_INPUT, "the fake backend has no locks");
  }

  #file(path: string): Inode {
    const inode = this.files.get(path);
    if (inode === undefined) throw sys("ENOENT", path);
    return inode;
  }

  #requireDir(dir: string, path: string): void {
    if (!this.dirs.has(dir)) throw sys("ENOENT", path);
  }
}

/** A system-style error (`code` set), as node:fs throws: the code under test must map it. */
export function sys(code: string, path: string): Error {
  return Object.assign(new Error(`${code}: ${path}`), { code });
}

function statOf(inode: Inode): FileStat {
  return { kind: "file", size: inode.data.byteLength, mtimeMs: inode.mtimeMs, ino: inode.ino };
}
