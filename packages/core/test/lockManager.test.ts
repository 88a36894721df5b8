import { describe, expect, it, vi } from "vitest";
import { ErrorCode } from "../src/errors/errorCodes.js";
import { MAX_HANDOFFS, TENURE_BUDGET_MS } from "../src/lock/fairness.js";
import type { LockHandle } from "../src/lock/lockManager.js";
import { LOCK, MARKER, OPTS, world } from "./lockWorld.js";

// The lock protocol on a tiny in-memory backend and a virtual clock: what the conformance suite
// cannot reach through a backend's own manager (refresh failures, replaced locks, the stall hook,
// hand-over without disk I/O, fairness to other processes, dead reclaim guards, option checks).

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

  it("a reclaim never removes a lock released and taken again between its staleness check and its guard", async () => {
    const { clock, disk, manager } = world();
    // A stale lock (a dead holder's), which the reclaimer below inspects and judges stale.
    disk.nodes.set(LOCK, { kind: "directory", mtimeMs: clock.now() - 10_000, ino: 500 });
    let swapped = false;
    disk.fail = (op, path) => {
      if (op === "mkdir" && path === `${LOCK}.reclaim` && !swapped) {
        // Between the staleness check and the guard: the lock is released and taken again by
        // another process, whose lock also looks stale by its mtime (a lagging clock), so only
        // its identity (a new inode) tells it apart from the instance judged stale.
        swapped = true;
        disk.nodes.delete(LOCK);
        disk.nodes.set(LOCK, { kind: "directory", mtimeMs: clock.now() - 10_000, ino: 600 });
      } else if (op === "rmdir" && path === `${LOCK}.reclaim` && swapped) {
        // The new holder refreshes its lock: from now on it is fresh, so no later check can
        // rightly judge it stale; only the reclaim that judged ino 500 could remove it.
        const node = disk.nodes.get(LOCK);
        if (node !== undefined) node.mtimeMs = clock.now();
      }
      return undefined;
    };
    const p = manager()
      .acquire(LOCK, { ...OPTS, timeoutMs: 50 })
      .catch((e: { code: string }) => e.code);
    await vi.waitFor(() => expect(swapped).toBe(true));
    await clock.advance(100);
    expect(await p).toBe(ErrorCode.LOCK_TIMEOUT);
    expect(disk.nodes.get(LOCK)?.ino).toBe(600);
    expect(disk.count("rmdir", LOCK)).toBe(0);
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

  describe("fairness to other processes (two storage ids: two processes)", () => {
    it("a waiter elsewhere keeps a marker fresh while it waits and removes it once it holds the lock", async () => {
      const { disk, manager } = world();
      const [a, b] = [manager("process-a"), manager("process-b")];
      const held = await a.acquire(LOCK, OPTS);
      const waiting = b.acquire(LOCK, OPTS);
      // Stamped at every retry, so a holder can tell a live waiter from a dead one's leftover.
      await vi.waitFor(() => expect(disk.count("utimes", MARKER)).toBeGreaterThanOrEqual(3));
      expect(disk.nodes.get(MARKER)?.kind).toBe("directory");
      await held.release();
      const taken = await waiting;
      expect(disk.nodes.has(MARKER)).toBe(false);
      await taken.release();
    });

    it("a waiter elsewhere that times out removes its marker", async () => {
      const { clock, disk, manager } = world();
      const [a, b] = [manager("process-a"), manager("process-b")];
      const held = await a.acquire(LOCK, OPTS);
      const late = b.acquire(LOCK, { ...OPTS, timeoutMs: 100 }).catch((e: { code: string }) => e.code);
      await vi.waitFor(() => expect(disk.nodes.has(MARKER)).toBe(true));
      await clock.advance(150);
      expect(await late).toBe(ErrorCode.LOCK_TIMEOUT);
      expect(disk.nodes.has(MARKER)).toBe(false);
      await held.release();
    });

    it("waiters elsewhere share one marker: the one that acquires removes it, the other re-creates it", async () => {
      const { disk, manager } = world();
      const [a, b, c] = [manager("process-a"), manager("process-b"), manager("process-c")];
      const held = await a.acquire(LOCK, OPTS);
      const waiters = [b, c].map((m, i) => m.acquire(LOCK, OPTS).then((h) => ({ h, i })));
      await vi.waitFor(() => expect(disk.count("utimes", MARKER)).toBeGreaterThanOrEqual(2));
      const removals = disk.count("rmdir", MARKER);
      await held.release();
      const first = await Promise.race(waiters);
      expect(disk.count("rmdir", MARKER)).toBe(removals + 1);
      await vi.waitFor(() => expect(disk.nodes.has(MARKER)).toBe(true));
      await first.h.release();
      const second = await waiters[1 - first.i]!;
      expect(disk.nodes.has(MARKER)).toBe(false);
      await second.h.release();
    });

    it("once its marker is visible, a waiter elsewhere is overtaken by at most MAX_HANDOFFS hand-offs", async () => {
      const { disk, manager } = world();
      const [busy, other] = [manager("process-a"), manager("process-b")];
      const order: string[] = [];
      let stop = false;
      const lane = async (name: string) => {
        // Bounded, so that an unfair manager fails the test instead of spinning forever.
        while (!stop && order.length < 50) {
          const h = await busy.acquire(LOCK, OPTS);
          order.push(name);
          await h.release();
        }
      };
      const first = await busy.acquire(LOCK, OPTS);
      const lanes = [lane("a1"), lane("a2")];
      const foreign = other.acquire(LOCK, OPTS).then(async (h) => {
        order.push("b");
        stop = true;
        await h.release();
      });
      await vi.waitFor(() => expect(disk.nodes.has(MARKER)).toBe(true));
      await first.release();
      await foreign;
      await Promise.all(lanes);
      // Overtaken only by the hand-offs of the busy process's current tenure.
      expect(order.indexOf("b")).toBe(MAX_HANDOFFS);
      await Promise.all([busy.close(), other.close()]);
    });

    it("without a marker, hand-offs stay in memory for good, in FIFO order, one stat per tenure", async () => {
      const { disk, manager } = world();
      const m = manager();
      const first = await m.acquire(LOCK, OPTS);
      const order: number[] = [];
      const count = 4 * MAX_HANDOFFS + 2;
      const waiters = Array.from({ length: count }, (_, i) =>
        m.acquire(LOCK, OPTS).then(async (h) => {
          order.push(i);
          await h.release();
        }),
      );
      const before = disk.calls.length;
      await first.release();
      await Promise.all(waiters);
      expect(order).toEqual(waiters.map((_, i) => i));
      const calls = disk.calls.slice(before);
      // No release through the disk but the last one.
      expect(calls.filter((c) => /^(mkdir|rmdir) /.test(c))).toEqual([`rmdir ${LOCK}`]);
      // Looked for a waiter elsewhere once a tenure was used up, and only then.
      const looks = calls.filter((c) => c === `stat ${MARKER}`).length;
      expect(looks).toBeGreaterThan(0);
      expect(looks).toBeLessThanOrEqual(Math.ceil(count / MAX_HANDOFFS));
    });

    it("a release with no waiter here never looks for a marker", async () => {
      const { disk, manager } = world();
      const m = manager();
      for (let i = 0; i < 2 * MAX_HANDOFFS; i++) await (await m.acquire(LOCK, OPTS)).release();
      expect(disk.count("stat", MARKER)).toBe(0);
    });

    it("a tenure over its time budget goes back through the disk only when a fresh marker exists", async () => {
      const { clock, disk, manager } = world();
      const m = manager();
      const releaseAfterBudget = async () => {
        const first = await m.acquire(LOCK, OPTS);
        const next = m.acquire(LOCK, OPTS);
        await clock.advance(TENURE_BUDGET_MS);
        const before = disk.calls.length;
        await first.release();
        const taken: LockHandle = await next;
        taken.assertHeld();
        const ops = disk.calls.slice(before).filter((c) => /^(mkdir|rmdir) /.test(c));
        await taken.release();
        return ops;
      };
      expect(await releaseAfterBudget()).toEqual([]);
      disk.nodes.set(MARKER, { kind: "directory", mtimeMs: clock.now(), ino: 700 });
      expect(await releaseAfterBudget()).toEqual([`rmdir ${LOCK}`, `mkdir ${LOCK}`]);
    });

    it("a stale marker (its waiter died) is ignored and removed", async () => {
      const { clock, disk, manager } = world();
      disk.nodes.set(MARKER, { kind: "directory", mtimeMs: clock.now() - 10 * OPTS.staleMs, ino: 700 });
      const m = manager();
      const first = await m.acquire(LOCK, OPTS);
      const waiters = Array.from({ length: MAX_HANDOFFS + 2 }, () =>
        m.acquire(LOCK, OPTS).then((h) => h.release()),
      );
      const before = disk.calls.length;
      await first.release();
      await Promise.all(waiters);
      expect(disk.calls.slice(before).filter((c) => /^(mkdir|rmdir) r\/\.lock$/.test(c))).toEqual([
        `rmdir ${LOCK}`,
      ]);
      expect(disk.nodes.has(MARKER)).toBe(false);
    });
  });
});
