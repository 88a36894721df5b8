import { describe, expect, it } from "vitest";
import { runConcurrency } from "../src/scenarios/concurrency.js";

// Issue 7.1, the CI size: real processes over the built packages. No timing assertions: a loaded
// 2-core machine only makes it slower (lock timeouts are 120 s, staleness 10 s).
describe("reliability: concurrent writer processes (node-fs)", () => {
  it("4 processes × 30 mixed operations: every acknowledged operation once, no double hold, verify clean", async () => {
    const r = await runConcurrency({
      processes: 4,
      opsPerProcess: 30,
      reports: 3,
      inFlight: 2,
      seed: 20261125,
    });
    expect(r.crashedWriters).toEqual([]);
    expect(r.store.problems).toEqual([]);
    expect(r.store.acked).toBeGreaterThan(0);
    expect(r.store.lost).toBe(0);
    expect(r.store.duplicated).toBe(0);
    expect(r.store.inflight).toBe(0);
    expect(r.locks.problems).toEqual([]);
    expect(r.locks.doubleHolds).toBe(0);
    expect(r.locks.fifoViolations).toBe(0);
    // The log saw the writers' holds. Not one per operation: a report's lock is kept between a
    // process's commits (leases), and index appends take no lock (docs/LOCKS.md, "Index appends").
    expect(r.locks.holds).toBeGreaterThan(0);
    expect(r.verify.problems).toEqual([]);
  }, 180_000);
});
