import type { FileStat, StorageBackend } from "../src/backend/storageBackend.js";
import { fromSystemError } from "../src/errors/fromSystemError.js";
import type { Clock, TimerHandle } from "../src/lock/clock.js";
import { createLockManager, type LockManagerOptions } from "../src/lock/createLockManager.js";
import type { LockManager } from "../src/lock/lockManager.js";
import type { LockPrimitive } from "../src/lock/lockPrimitive.js";
import { mkdirPrimitive } from "../src/lock/mkdirPrimitive.js";
import { WAITING_MARKER_SUFFIX } from "../src/lock/waitingMarker.js";

// The world of the lock manager's tests (lockManager.test.ts): a tiny in-memory backend and a
// virtual clock, to reach what the conformance suite cannot through a backend's own manager.

type Node = { kind: "file" | "directory"; mtimeMs: number; ino: number };

/** Directories and empty files in a map; `fail` injects an errno per call. */
export class TinyBackend {
  readonly nodes = new Map<string, Node>([["", { kind: "directory", mtimeMs: 0, ino: 1 }]]);
  readonly calls: string[] = [];
  fail: (op: string, path: string) => string | undefined = () => undefined;
  private ino = 1;
  constructor(
    readonly storageId: string,
    readonly clock: Clock,
  ) {}

  /** The default primitive of a file backend: mkdir locks through `on`, on the virtual clock. */
  lockPrimitive(on: StorageBackend): LockPrimitive {
    return mkdirPrimitive(on, this.clock);
  }

  /** How many calls of `op` on `path` were made so far. */
  count(op: string, path: string): number {
    return this.calls.filter((c) => c === `${op} ${path}`).length;
  }

  private check(op: string, path: string): void {
    this.calls.push(`${op} ${path}`);
    const errno = this.fail(op, path);
    if (errno !== undefined) throw sys(errno, path, op);
  }
  async mkdir(path: string): Promise<void> {
    this.check("mkdir", path);
    const parent = path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : "";
    if (this.nodes.get(parent)?.kind !== "directory") throw sys("ENOENT", path, "mkdir");
    if (this.nodes.has(path)) throw sys("EEXIST", path, "mkdir");
    this.ino += 1;
    this.nodes.set(path, { kind: "directory", mtimeMs: this.clock.now(), ino: this.ino });
  }
  async rmdir(path: string): Promise<void> {
    this.check("rmdir", path);
    if (this.nodes.get(path)?.kind !== "directory") throw sys("ENOENT", path, "rmdir");
    this.nodes.delete(path);
  }
  async unlink(path: string): Promise<void> {
    this.check("unlink", path);
    if (this.nodes.get(path)?.kind !== "file") throw sys("ENOENT", path, "unlink");
    this.nodes.delete(path);
  }
  async stat(path: string): Promise<FileStat> {
    this.check("stat", path);
    const node = this.nodes.get(path);
    if (node === undefined) throw sys("ENOENT", path, "stat");
    return { kind: node.kind, size: 0, mtimeMs: node.mtimeMs, ino: node.ino };
  }
  async utimes(path: string, mtimeMs: number): Promise<void> {
    this.check("utimes", path);
    const node = this.nodes.get(path);
    if (node === undefined) throw sys("ENOENT", path, "utimes");
    node.mtimeMs = mtimeMs;
  }
  /** The backend as the lock manager sees it (only the calls locks make exist). */
  get asBackend(): StorageBackend {
    return this as unknown as StorageBackend;
  }
}

function sys(code: string, path: string, op: string) {
  return fromSystemError(Object.assign(new Error(code), { code }), path, op);
}

/** Time that moves only in `advance`, firing due timers one by one and letting their work settle. */
export class TestClock implements Clock {
  private t = 1_000_000;
  private readonly timers = new Map<object, { due: number; fn: () => void }>();
  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): TimerHandle {
    const handle = {};
    this.timers.set(handle, { due: this.t + ms, fn });
    return handle as unknown as TimerHandle;
  }
  clearTimeout(handle: TimerHandle): void {
    this.timers.delete(handle as unknown as object);
  }
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      const next = [...this.timers].filter(([, v]) => v.due <= end).sort((a, b) => a[1].due - b[1].due)[0];
      if (next === undefined) break;
      this.timers.delete(next[0]);
      this.t = next[1].due;
      next[1].fn();
      await settle();
    }
    this.t = end;
    await settle();
  }
}

export const settle = async () => {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
};

export const OPTS = { staleMs: 1_000, refreshMs: 300, timeoutMs: 5_000 };
export const LOCK = "r/.lock";
/** The waiting marker of {@link LOCK}. */
export const MARKER = `${LOCK}${WAITING_MARKER_SUFFIX}`;

export function world(extra: Omit<LockManagerOptions, "clock"> = {}) {
  const clock = new TestClock();
  const id = `tiny:${Math.random()}`;
  const disk = new TinyBackend(id, clock);
  disk.nodes.set("r", { kind: "directory", mtimeMs: 0, ino: 99 });
  const manager = (storageId = id): LockManager => {
    const view = Object.create(disk, { storageId: { value: storageId } }) as TinyBackend;
    return createLockManager(view.asBackend, extra);
  };
  return { clock, disk, manager };
}
