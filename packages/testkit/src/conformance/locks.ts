import {
  createLockManager,
  DelegatingBackend,
  ErrorCode,
  type FileStat,
  isLivingReportsError,
  type LockHandle,
  type LockManager,
  type StorageBackend,
} from "@living-reports/core";
import { describe, expect, it } from "vitest";
import type { ConformanceTarget, TargetRoot } from "./target.js";
import { titleOf, withRoot } from "./withRoot.js";

const LOCK = "r/.lock";
/** Short lock times, so that real sleeps on node-fs stay short. */
const FAST = { staleMs: 300, refreshMs: 100, timeoutMs: 5_000 } as const;

/**
 * Registers the lock tests (docs/GUARANTEES.md#g7-locks, docs/LOCKS.md) for a backend: mutual exclusion between managers and
 * between "processes", FIFO hand-over in one process, timeouts, stale reclaim (of lock directories
 * and of the Python module's `.lock` files), two reclaimers racing, stalled holders, release/close.
 *
 * A second process is simulated by {@link ProcessView}: the same files under another `storageId`,
 * so its lock manager shares no in-process queue with the first and must win on disk.
 */
export function describeLocks(target: ConformanceTarget): void {
  const test = (name: string, fn: (root: TargetRoot) => Promise<void>) =>
    it(name, () => withRoot(target, async (root) => fn(root)));

  describe(titleOf(target, "locks"), () => {
    test("two managers of one process never hold a lock at once", async (root) => {
      await root.backend.mkdir("r");
      await expectExclusion([locks(root.backend), locks(root.another())]);
    });

    test("two processes never hold a lock at once", async (root) => {
      await root.backend.mkdir("r");
      await expectExclusion([
        locks(new ProcessView(root.backend, "a")),
        locks(new ProcessView(root.backend, "b")),
      ]);
    });

    test("waiters in one process are served first come, first served", async (root) => {
      await root.backend.mkdir("r");
      const managers = [locks(root.backend), locks(root.another())];
      const first = await managers[0]!.acquire(LOCK, FAST);
      const order: number[] = [];
      const waiters = [0, 1, 2, 3].map(async (i) => {
        const h = await managers[i % 2]!.acquire(LOCK, FAST);
        order.push(i);
        await h.release();
      });
      await first.release();
      await Promise.all(waiters);
      expect(order).toEqual([0, 1, 2, 3]);
    });

    test("a waiter times out with LOCK_TIMEOUT naming the path, and leaves the queue", async (root) => {
      await root.backend.mkdir("r");
      const [mine, other] = [locks(root.backend), locks(new ProcessView(root.backend, "b"))];
      const held = await mine.acquire(LOCK, FAST);
      const queued = settle(mine.acquire(LOCK, { ...FAST, timeoutMs: 100 }));
      const polling = settle(other.acquire(LOCK, { ...FAST, timeoutMs: 100 }));
      await root.advanceClock(150);
      for (const outcome of [await queued, await polling]) {
        expect(outcome.error?.code).toBe(ErrorCode.LOCK_TIMEOUT);
        expect(outcome.error?.path).toBe(LOCK);
      }
      held.assertHeld();
      await held.release();
      const again = await mine.acquire(LOCK, FAST);
      await again.release();
    });

    test("a dead holder's lock is reclaimed once stale; the stalled holder finds out", async (root) => {
      await root.backend.mkdir("r");
      const dead = new ProcessView(root.backend, "dead");
      const held = await locks(dead).acquire(LOCK, FAST);
      dead.stall((op, path) => op === "utimes" && path === LOCK);
      const compromised = new Promise<Error>((resolve) => held.onCompromised(resolve));
      await root.advanceClock(FAST.staleMs + 100);
      expect(() => held.assertHeld()).toThrowError(
        expect.objectContaining({ code: ErrorCode.LOCK_COMPROMISED }),
      );
      expect(held.compromised).toBe(true);
      expect(await compromised).toMatchObject({ code: ErrorCode.LOCK_COMPROMISED });
      const next = await locks(root.backend).acquire(LOCK, FAST);
      await held.release();
      next.assertHeld();
      expect((await root.backend.stat(LOCK)).kind).toBe("directory");
      await next.release();
    });

    test("a fresh lock directory is respected, and reclaimed after the stale time", async (root) => {
      await root.backend.mkdir("r");
      const now = await lockClockNow(root.backend);
      await root.backend.mkdir(LOCK);
      await root.backend.utimes(LOCK, now);
      const manager = locks(root.backend);
      const early = settle(manager.acquire(LOCK, { ...FAST, timeoutMs: 100 }));
      await root.advanceClock(150);
      expect((await early).error?.code).toBe(ErrorCode.LOCK_TIMEOUT);
      await root.backend.utimes(LOCK, now - FAST.staleMs - 2_000);
      const h = await manager.acquire(LOCK, FAST);
      h.assertHeld();
      await h.release();
    });

    test("a Python `.lock` file is held while fresh and unlinked once stale", async (root) => {
      await root.backend.mkdir("r");
      const now = await lockClockNow(root.backend);
      await writeFile(root.backend, LOCK, "pid 4242\n");
      await root.backend.utimes(LOCK, now);
      const manager = locks(root.backend);
      const fresh = settle(manager.acquire(LOCK, { ...FAST, timeoutMs: 100 }));
      await root.advanceClock(150);
      expect((await fresh).error?.code).toBe(ErrorCode.LOCK_TIMEOUT);
      expect((await root.backend.stat(LOCK)).kind).toBe("file");
      await root.backend.utimes(LOCK, now - FAST.staleMs - 2_000);
      const h = await manager.acquire(LOCK, FAST);
      expect((await root.backend.stat(LOCK)).kind).toBe("directory");
      await h.release();
    });

    test("of two processes reclaiming one stale lock, exactly one wins", async (root) => {
      await root.backend.mkdir("r");
      const now = await lockClockNow(root.backend);
      await root.backend.mkdir(LOCK);
      await root.backend.utimes(LOCK, now - 10_000);
      // Adversarial schedule: both see the stale lock before either acts, and the loser's
      // every write waits until the winner holds the lock (where a naive reclaimer removes it).
      const [a, b] = [new ProcessView(root.backend, "a"), new ProcessView(root.backend, "b")];
      let bSaw!: () => void;
      const bSawStale = new Promise<void>((resolve) => {
        bSaw = resolve;
      });
      let bLooked = false;
      b.onFirstStat(LOCK, () => {
        bLooked = true;
        bSaw();
      });
      a.gateWrites(() => bSawStale);
      const options = { staleMs: 1_000, refreshMs: 200 };
      const aWon = locks(a).acquire(LOCK, { ...options, timeoutMs: 5_000 });
      b.gateWrites(() => (bLooked ? aWon.then(() => undefined) : undefined));
      const bTry = settle(locks(b).acquire(LOCK, { ...options, timeoutMs: 200 }));
      const winner = await aWon;
      await root.advanceClock(250);
      expect((await bTry).error?.code).toBe(ErrorCode.LOCK_TIMEOUT);
      winner.assertHeld();
      expect((await root.backend.stat(LOCK)).kind).toBe("directory");
      await winner.release();
      await expect(root.backend.stat(LOCK)).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
    });

    test("release is idempotent, removes the lock, and ends assertHeld", async (root) => {
      await root.backend.mkdir("r");
      const h = await locks(root.backend).acquire(LOCK, FAST);
      expect(h.path).toBe(LOCK);
      h.assertHeld();
      await h.release();
      await h.release();
      expect(() => h.assertHeld()).toThrowError(
        expect.objectContaining({ code: ErrorCode.LOCK_COMPROMISED }),
      );
      await expect(root.backend.stat(LOCK)).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
    });

    test("close releases every lock, cancels waiters, and later acquires fail with CLOSED", async (root) => {
      await root.backend.mkdir("r");
      await root.backend.mkdir("s");
      const manager = locks(root.backend);
      const held = [await manager.acquire(LOCK, FAST), await manager.acquire("s/.lock", FAST)];
      const waiter = settle(manager.acquire(LOCK, FAST));
      await manager.close();
      expect((await waiter).error?.code).toBe(ErrorCode.CLOSED);
      for (const h of held)
        await expect(root.backend.stat(h.path)).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(manager.acquire(LOCK, FAST)).rejects.toMatchObject({ code: ErrorCode.CLOSED });
      const other = await locks(root.another()).acquire(LOCK, FAST);
      await other.release();
    });

    test("a lock whose parent is missing, or is a file, fails with a typed error", async (root) => {
      const manager = locks(root.backend);
      await expect(manager.acquire("missing/.lock", FAST)).rejects.toMatchObject({
        code: ErrorCode.NOT_FOUND,
        path: "missing/.lock",
      });
      await writeFile(root.backend, "file", "x");
      await expect(manager.acquire("file/.lock", FAST)).rejects.toMatchObject({ code: ErrorCode.WRONG_KIND });
      await root.backend.mkdir("missing");
      const h = await manager.acquire("missing/.lock", FAST);
      await h.release();
    });
  });
}

function locks(backend: StorageBackend): LockManager {
  return createLockManager(backend);
}

/** Holds the lock from each manager in turn, many times over, and checks no two overlap. */
async function expectExclusion(managers: LockManager[]): Promise<void> {
  let inside = 0;
  let maxInside = 0;
  const rounds = managers.flatMap((m) => [0, 1, 2, 3].map(() => m));
  await Promise.all(
    rounds.map(async (m) => {
      const h: LockHandle = await m.acquire(LOCK, FAST);
      inside += 1;
      maxInside = Math.max(maxInside, inside);
      await new Promise((resolve) => setTimeout(resolve, 1));
      h.assertHeld();
      inside -= 1;
      await h.release();
    }),
  );
  expect(maxInside).toBe(1);
}

/** The lock clock's "now", read from a lock's mtime (the backend's lock clock may be virtual). */
async function lockClockNow(backend: StorageBackend): Promise<number> {
  await backend.mkdir("probe");
  const h = await locks(backend).acquire("probe/.lock", FAST);
  const { mtimeMs } = await backend.stat("probe/.lock");
  await h.release();
  return mtimeMs;
}

async function writeFile(backend: StorageBackend, path: string, text: string): Promise<void> {
  const f = await backend.open(path, "w");
  try {
    await f.write(new TextEncoder().encode(text), 0);
  } finally {
    await f.close();
  }
}

async function settle<T>(p: Promise<T>): Promise<{ value?: T; error?: { code: string; path?: string } }> {
  try {
    return { value: await p };
  } catch (err) {
    if (!isLivingReportsError(err)) throw err;
    return { error: err.path === undefined ? { code: err.code } : { code: err.code, path: err.path } };
  }
}

type Gate = (op: string, path: string) => Promise<void> | undefined;

/**
 * The same files as `inner`, seen by another simulated process: its own `storageId` (so no shared
 * in-process lock queue), and hooks to delay or freeze its calls for adversarial schedules.
 */
class ProcessView extends DelegatingBackend {
  readonly #storageId: string;
  private gates: Gate[] = [];

  constructor(inner: StorageBackend, process: string) {
    super(inner);
    this.#storageId = `${inner.storageId}#process-${process}`;
  }

  override get storageId(): string {
    return this.#storageId;
  }

  /** From now on, calls matching `when` never complete: the process is frozen there. */
  stall(when: (op: string, path: string) => boolean): void {
    this.gates.push((op, path) => (when(op, path) ? new Promise<void>(() => undefined) : undefined));
  }

  /** Every mkdir/rmdir/unlink/utimes waits for `until()` first (when it returns a promise). */
  gateWrites(until: () => Promise<void> | undefined): void {
    this.gates.push((op) => (["mkdir", "rmdir", "unlink", "utimes"].includes(op) ? until() : undefined));
  }

  /** Calls `fn` after the first stat of `path` completes. */
  onFirstStat(path: string, fn: () => void): void {
    let seen = false;
    this.afterStat = (p) => {
      if (p !== path || seen) return;
      seen = true;
      fn();
    };
  }

  private afterStat: (path: string) => void = () => undefined;

  private async pass(op: string, path: string): Promise<void> {
    for (const gate of this.gates) await gate(op, path);
  }

  override async unlink(path: string): Promise<void> {
    await this.pass("unlink", path);
    return await super.unlink(path);
  }
  override async mkdir(path: string): Promise<void> {
    await this.pass("mkdir", path);
    return await super.mkdir(path);
  }
  override async rmdir(path: string): Promise<void> {
    await this.pass("rmdir", path);
    return await super.rmdir(path);
  }
  override async utimes(path: string, mtimeMs: number): Promise<void> {
    await this.pass("utimes", path);
    return await super.utimes(path, mtimeMs);
  }
  override async stat(path: string): Promise<FileStat> {
    await this.pass("stat", path);
    const st = await super.stat(path);
    this.afterStat(path);
    return st;
  }
}
