import { describe, expect, it } from "vitest";
import { runContention, runReclaimRace, runStarvation } from "../src/scenarios/locks.js";
import { runStall } from "../src/scenarios/stall.js";

// Issue 7.3 with real processes; figures (hand-off times) are printed by `npm run reliability`,
// never asserted here.
describe("reliability: locks across processes (node-fs)", () => {
  it("4 processes race to reclaim one stale lock, 8 rounds: never two holders, everyone served", async () => {
    const r = await runReclaimRace({ processes: 4, rounds: 8 });
    expect(r.failedLockers).toEqual([]);
    expect(r.locks.problems).toEqual([]);
    expect(r.locks.doubleHolds).toBe(0);
    expect(r.holds).toBe(4 * 8);
  }, 120_000);

  it("contention: no double hold, every waiter served, in-process waiters in FIFO order", async () => {
    const r = await runContention({ processes: 3, times: 20, inFlight: 2 });
    expect(r.failedLockers).toEqual([]);
    expect(r.locks.doubleHolds).toBe(0);
    expect(r.locks.fifoViolations).toBe(0);
    expect(r.locks.holds).toBe(3 * 20);
  }, 120_000);

  // BUG (reported to the lead): the in-process hand-off starves other processes. A process with
  // two waiters on one lock hands it back and forth in memory (release → handOver to its own
  // queued waiter) and never removes the lock directory while it has waiters, so a waiter in
  // another process, polling with mkdir, is overtaken without bound (here by every acquisition
  // of the holding process) and times out under sustained load. Fair means overtaken by at most
  // a few turns of each other waiter.
  it("fairness: a waiter in another process is served within a few turns of a busy holder", async () => {
    const r = await runStarvation({ times: 200, holdMs: 10 });
    expect(r.failedLockers).toEqual([]);
    expect(r.locks.holds).toBe(201);
    expect(r.locks.maxOvertaken).toBeLessThanOrEqual(4);
  }, 120_000);

  it("a holder stalled past its stale time (beforeRefresh hook) fails with LOCK_COMPROMISED and writes nothing", async () => {
    const r = await runStall();
    expect(r.stalledCode).toBe("LOCK_COMPROMISED");
    expect(r.stalledWrote).toBe(false);
    expect(r.competitorExit).toBe(0);
    expect(r.competitorOnDisk).toBe(true);
    expect(r.auditProblems).toEqual([]);
    expect(r.verify.problems).toEqual([]);
  }, 120_000);
});
