import { describe, expect, it, vi } from "vitest";
import type { FileStat, StorageBackend } from "../src/backend/storageBackend.js";
import { ErrorCode } from "../src/errors/errorCodes.js";
import { fromSystemError } from "../src/errors/fromSystemError.js";
import type { Clock, TimerHandle } from "../src/lock/clock.js";
import { createLockManager, type LockManagerOptions } from "../src/lock/createLockManager.js";
import type { LockManager } from "../src/lock/lockManager.js";

// The lock protocol on a tiny in-memory backend and a virtual clock: what the conformance suite
// cannot reach through a backend's own manager (refresh failures, replaced locks, the stall hook,
// hand-over without disk I/O, dead reclaim guards, option checks).

type Node = { kind: "file" | "directory"; mtimeMs: number; ino: number };

/** Directories and empty files in a map; `fail` injects an errno per call. */
class TinyBackend {
  readonly nodes = new Map<string, Node>([["", { kind: "directory", mtimeMs: 0, ino: 1 }]]);
  readonly calls: string[] = [];
  fail: (op: string, path: string) => string | undefined = () => undefined;
  private ino = 1;
  constructor(
    readonly storageId: string,
    private readonly clock: Clock,
  ) {}

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
class TestClock implements Clock {
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

const settle = async () => {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
};

const OPTS = { staleMs: 1_000, refreshMs: 300, timeoutMs: 5_000 };
const LOCK = "r/.lock";

function world(extra: Omit<LockManagerOptions, "clock"> = {}) {
  const clock = new TestClock();
  const id = `tiny:${Math.random()}`;
  const disk = new TinyBackend(id, clock);
  disk.nodes.set("r", { kind: "directory", mtimeMs: 0, ino: 99 });
  const manager = (storageId = id): LockManager => {
    const view = Object.create(disk, { storageId: { value: storageId } }) as TinyBackend;
    return createLockManager(view.asBackend, { clock, ...extra });
  };
  return { clock, disk, manager };
}

describe("lock manager (core, virtual clock)", () => {
  it("keeps a live holder fresh across many stale times", async () => {
    const { clock, manager } = world();
    const h = await manager().acquire(LOCK, OPTS);
    const other = manager("other-process").acquire(LOCK, { ...OPTS, timeoutMs: 5_000 });
    const outcome = other.then(
      () => "won",
      (e: { code: string }) => e.code,
    );
    await clock.advance(6_000);
    expect(await outcome).toBe(ErrorCode.LOCK_TIMEOUT);
    h.assertHeld();
    expect(h.compromised).toBe(false);
    await h.release();
  });

  it("a failed refresh marks the handle compromised without throwing from the timer", async () => {
    const { clock, disk, manager } = world();
    const h = await manager().acquire(LOCK, OPTS);
    const seen = vi.fn();
    h.onCompromised(seen);
    disk.fail = (op) => (op === "utimes" ? "EIO" : undefined);
    await clock.advance(OPTS.refreshMs);
    expect(h.compromised).toBe(true);
    expect(seen).toHaveBeenCalledOnce();
    expect(() => h.assertHeld()).toThrowError(expect.objectContaining({ code: ErrorCode.LOCK_COMPROMISED }));
    await h.release();
    expect(disk.nodes.has(LOCK)).toBe(true); // a lost lock is never removed by its old holder
  });

  it("a lock replaced under its holder is detected at the next refresh", async () => {
    const { clock, disk, manager } = world();
    const h = await manager().acquire(LOCK, OPTS);
    disk.nodes.set(LOCK, { kind: "directory", mtimeMs: clock.now(), ino: 12345 });
    await clock.advance(OPTS.refreshMs);
    expect(() => h.assertHeld()).toThrowError(/replaced/);
  });

  it("the stall hook freezes refreshes; the holder finds out before its next write", async () => {
    let stalled = false;
    const { clock, manager } = world({
      hooks: { beforeRefresh: () => (stalled ? new Promise<void>(() => undefined) : undefined) },
    });
    const h = await manager().acquire(LOCK, OPTS);
    await clock.advance(OPTS.refreshMs);
    h.assertHeld();
    stalled = true;
    await clock.advance(OPTS.staleMs + 1);
    expect(() => h.assertHeld()).toThrowError(expect.objectContaining({ code: ErrorCode.LOCK_COMPROMISED }));
    const next = manager("other-process").acquire(LOCK, OPTS);
    await clock.advance(OPTS.refreshMs);
    const taken = await next;
    await h.release();
    taken.assertHeld();
    await taken.release();
  });

  it("hands the held lock to the next waiter in this process without touching the disk", async () => {
    const { disk, manager } = world();
    const [m1, m2] = [manager(), manager()];
    const first = await m1.acquire(LOCK, OPTS);
    const rest = [m2.acquire(LOCK, OPTS), m1.acquire(LOCK, OPTS)];
    const before = disk.calls.length;
    await first.release();
    (await rest[0]!).assertHeld();
    await (await rest[0]!).release();
    (await rest[1]!).assertHeld();
    expect(disk.calls.slice(before)).toEqual([]);
    await (await rest[1]!).release();
    expect(disk.calls.at(-1)).toBe(`rmdir ${LOCK}`);
  });

  it("a waiter that timed out is never handed the lock", async () => {
    const { clock, manager } = world();
    const m = manager();
    const h = await m.acquire(LOCK, OPTS);
    const late = m.acquire(LOCK, { ...OPTS, timeoutMs: 100 }).catch((e: { code: string }) => e.code);
    await clock.advance(150);
    expect(await late).toBe(ErrorCode.LOCK_TIMEOUT);
    await h.release();
    const again = await m.acquire(LOCK, OPTS);
    again.assertHeld();
    await again.release();
  });

  it("a reclaim guard left by a dead reclaimer is itself reclaimed once stale", async () => {
    const { clock, disk, manager } = world();
    disk.nodes.set(LOCK, { kind: "directory", mtimeMs: clock.now() - 10_000, ino: 500 });
    disk.nodes.set(`${LOCK}.reclaim`, { kind: "directory", mtimeMs: clock.now(), ino: 501 });
    const p = manager().acquire(LOCK, OPTS);
    await clock.advance(OPTS.staleMs / 2);
    expect(disk.nodes.get(LOCK)?.ino).toBe(500); // a fresh guard: someone is reclaiming
    await clock.advance(OPTS.staleMs);
    const h = await p;
    expect(disk.nodes.has(`${LOCK}.reclaim`)).toBe(false);
    expect(disk.nodes.has(`${LOCK}.reclaim.reclaim`)).toBe(false);
    await h.release();
  });

  it("an onCompromised callback that throws becomes a warning, not a crash", async () => {
    const { clock, disk, manager } = world();
    const warn = vi.spyOn(process, "emitWarning").mockImplementation(() => undefined);
    const h = await manager().acquire(LOCK, OPTS);
    h.onCompromised(() => {
      throw new Error("boom");
    });
    disk.fail = (op) => (op === "stat" ? "EIO" : undefined);
    await clock.advance(OPTS.refreshMs);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining("boom"), "LivingReportsLockWarning");
    warn.mockRestore();
  });

  it("a removal that fails once on release is retried, and the lock is gone", async () => {
    const { disk, manager } = world();
    const h = await manager().acquire(LOCK, OPTS);
    let failures = 1;
    disk.fail = (op, path) => (op === "rmdir" && path === LOCK && failures-- > 0 ? "EIO" : undefined);
    await h.release();
    expect(disk.nodes.has(LOCK)).toBe(false);
  });

  it("a lock this process failed to remove is reclaimed by its next acquisition here, not after staleness", async () => {
    const { disk, manager } = world();
    const h = await manager().acquire(LOCK, OPTS);
    disk.fail = (op, path) => (op === "rmdir" && path === LOCK ? "EIO" : undefined);
    await expect(h.release()).rejects.toMatchObject({ code: ErrorCode.STORAGE_FAILURE });
    const leftover = disk.nodes.get(LOCK)?.ino;
    expect(leftover).toBeDefined();
    disk.fail = () => undefined;
    // Another process must wait for staleness (the virtual clock has not moved).
    await expect(manager("other-process").acquire(LOCK, { ...OPTS, timeoutMs: 0 })).rejects.toMatchObject({
      code: ErrorCode.LOCK_TIMEOUT,
    });
    // This process knows the leftover is its own: same inode and mtime as it last set.
    const again = await manager().acquire(LOCK, OPTS);
    expect(disk.nodes.get(LOCK)?.ino).not.toBe(leftover);
    expect(disk.nodes.has(`${LOCK}.reclaim`)).toBe(false);
    await again.release();
    expect(disk.nodes.has(LOCK)).toBe(false);
  });

  it("a leftover that changed since (another holder's lock) is not reclaimed early", async () => {
    const { clock, disk, manager } = world();
    const h = await manager().acquire(LOCK, OPTS);
    disk.fail = (op, path) => (op === "rmdir" && path === LOCK ? "EIO" : undefined);
    await expect(h.release()).rejects.toMatchObject({ code: ErrorCode.STORAGE_FAILURE });
    disk.fail = () => undefined;
    // Someone else reclaimed it after staleness and holds a new instance now.
    disk.nodes.set(LOCK, { kind: "directory", mtimeMs: clock.now(), ino: 777 });
    await expect(manager().acquire(LOCK, { ...OPTS, timeoutMs: 0 })).rejects.toMatchObject({
      code: ErrorCode.LOCK_TIMEOUT,
    });
    expect(disk.nodes.get(LOCK)?.ino).toBe(777);
  });

  it("rejects bad options and the root as a lock path", async () => {
    const m = world().manager();
    await expect(m.acquire(LOCK, { staleMs: 100, refreshMs: 100 })).rejects.toMatchObject({
      code: ErrorCode.INVALID_INPUT,
    });
    await expect(m.acquire(LOCK, { timeoutMs: -1 })).rejects.toMatchObject({ code: ErrorCode.INVALID_INPUT });
    await expect(m.acquire("")).rejects.toMatchObject({ code: ErrorCode.INVALID_PATH });
    await expect(m.acquire("../x.lock")).rejects.toMatchObject({ code: ErrorCode.INVALID_PATH });
  });
});
