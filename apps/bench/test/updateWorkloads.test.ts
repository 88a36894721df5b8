import { describe, expect, it } from "vitest";
import type { UpdateEngine } from "../src/update/engine.js";
import { ROUND_ROBIN_REPORTS, runUpdateWorkload, WRITERS } from "../src/update/workloads.js";

/** An engine in memory that records what the workloads ask of it. */
function recordingEngine() {
  const log = {
    prepared: 0,
    disposed: 0,
    opened: 0,
    closed: 0,
    /** Updates per report, in the order reports were created. */
    updates: [] as number[],
    inFlight: 0,
    maxInFlight: 0,
  };
  const engine: UpdateEngine = {
    prepare: async () => {
      log.prepared++;
    },
    dispose: async () => {
      log.disposed++;
    },
    open: async () => {
      log.opened++;
      return {
        create: async () => log.updates.push(0) - 1,
        update: async (report) => {
          log.inFlight++;
          log.maxInFlight = Math.max(log.maxInFlight, log.inFlight);
          await new Promise((resolve) => setImmediate(resolve));
          log.updates[report] = (log.updates[report] ?? 0) + 1;
          log.inFlight--;
        },
        close: async () => {
          log.closed++;
        },
      };
    },
  };
  return { engine, log };
}

const ctx = (ops: number, warmup: number) => ({
  dir: "/nonexistent-bench-dir",
  ops,
  warmup,
  fixture: undefined,
});

describe("update workloads over an engine", () => {
  it("update: one report, warm-up and measured updates, then close and dispose", async () => {
    const { engine, log } = recordingEngine();
    const m = await runUpdateWorkload("update", engine, "living-reports", ctx(10, 2));
    expect(m.ops).toBe(10);
    expect(m.latenciesUs).toHaveLength(10);
    expect(log).toMatchObject({
      prepared: 1,
      opened: 1,
      closed: 1,
      disposed: 1,
      updates: [12],
      maxInFlight: 1,
    });
  });

  it("update-100-reports: updates the 100 reports in turn", async () => {
    const { engine, log } = recordingEngine();
    await runUpdateWorkload("update-100-reports", engine, "living-reports", ctx(150, 100));
    expect(log.updates).toHaveLength(ROUND_ROBIN_REPORTS);
    // 250 updates in turn: the first 50 reports 3 times, the other 50 twice.
    expect(log.updates.slice(0, 50).every((n) => n === 3)).toBe(true);
    expect(log.updates.slice(50).every((n) => n === 2)).toBe(true);
  });

  it("update-8-concurrent: 8 reports, 8 updates in flight at once", async () => {
    const { engine, log } = recordingEngine();
    const m = await runUpdateWorkload("update-8-concurrent", engine, "living-reports", ctx(80, 8));
    expect(m.ops).toBe(80);
    expect(log.updates).toEqual(new Array(WRITERS).fill(11));
    expect(log.maxInFlight).toBe(WRITERS);
  });

  it("update-history-N: the report holds N events (its creation and N − 1 updates) when the clock starts", async () => {
    for (const [workload, events] of [
      ["update-history-10", 10],
      ["update-history-1000", 1000],
    ] as const) {
      const { engine, log } = recordingEngine();
      await runUpdateWorkload(workload, engine, "living-reports", ctx(5, 0));
      expect(log.updates).toEqual([events - 1 + 5]);
    }
  });

  it("disposes of the store even when the workload fails", async () => {
    const { engine, log } = recordingEngine();
    const failing: UpdateEngine = {
      ...engine,
      open: async () => ({
        ...(await engine.open("")),
        update: async () => {
          throw new Error("disk on fire");
        },
      }),
    };
    await expect(runUpdateWorkload("update", failing, "living-reports", ctx(3, 1))).rejects.toThrow(
      /disk on fire/,
    );
    expect(log).toMatchObject({ closed: 1, disposed: 1 });
  });
});
