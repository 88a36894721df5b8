import { LivingReportsError, openReports, type ReportStore } from "@living-reports/core";
import { describe, expect, it } from "vitest";
import type { FaultOp, FaultRule } from "../../faults/faultRule.js";
import { FaultyBackend } from "../../faults/faultyBackend.js";
import { recordTrace } from "../../trace/recordTrace.js";
import type { TraceEvent } from "../../trace/traceEvent.js";
import { dataSnapshot } from "../storeSupport.js";
import type { ConformanceTarget } from "../target.js";
import { titleOf, withRoot } from "../withRoot.js";

/** The store's data files (not lock files or session locks: see storeFaults.ts). */
const DATA_FILES = /^(?!\.sessions(?:\/|$))(?!(?:.*\/)?[^/]*\.lock(?:\/|$))/;

/** The calls that need free space: creating opens, writes, links and directories. */
const ALLOCATING: readonly FaultOp[] = ["open", "write", "link", "mkdir"];

function onData(e: TraceEvent): boolean {
  const to = e.args.to;
  return DATA_FILES.test(e.path) || (to !== undefined && DATA_FILES.test(to));
}

function allocates(e: TraceEvent): boolean {
  if (e.op === "open") return e.args.mode !== "r";
  return (ALLOCATING as readonly string[]).includes(e.op);
}

/** How many calls of `trace` need space. */
function allocations(trace: readonly TraceEvent[]): number {
  return trace.filter((e) => onData(e) && allocates(e)).length;
}

/**
 * A disk that fills up at the `k`th allocating call of `trace` and stays full: from that call on,
 * every call of an allocating op on a data file fails with ENOSPC (removals, renames, reads and
 * syncs still work, as on a real full disk; an open for reading after the point fails too, which
 * only makes the disk harsher).
 */
function fullFrom(trace: readonly TraceEvent[], k: number): FaultRule[] {
  const before = new Map<string, number>();
  let seen = 0;
  for (const e of trace) {
    if (!onData(e)) continue;
    if (allocates(e) && ++seen === k) break;
    before.set(e.op, (before.get(e.op) ?? 0) + 1);
  }
  return ALLOCATING.map((op) => ({
    op,
    path: DATA_FILES,
    nth: (before.get(op) ?? 0) + 1,
    times: "always",
    error: "ENOSPC",
  }));
}

/** One kind of write, run against a store that holds report `id` (and a spare one to delete). */
interface Operation {
  name: string;
  /** Prepares what one run needs (a report to delete), fault-free; returns its id. */
  prepare(store: ReportStore, id: string): Promise<string>;
  run(store: ReportStore, target: string, label: string): Promise<unknown>;
}

const OPERATIONS: readonly Operation[] = [
  {
    name: "create",
    prepare: async (_store, id) => id,
    run: (store, _target, label) => store.create({ title: label, tags: ["t"] }),
  },
  {
    name: "update",
    prepare: async (_store, id) => id,
    run: async (store, target, label) =>
      store.update({ ...(await store.get(target)), title: label }, { force: true }),
  },
  {
    name: "delete",
    prepare: async (store) => (await store.create({ title: "to delete" })).report_id,
    run: (store, target) => store.delete(target),
  },
];

/**
 * Registers the full-disk tests (issue 14: "never fail after committing"): for `create`, `update`
 * and `delete`, the disk fills up at each step that needs space and stays full until the call
 * settles. A call that rejects must have changed nothing (the tree, locks aside, is byte-identical)
 * and leave a store that verify finds clean at once, before any later write mends anything: no
 * report folder without an outline, no outline without its event. A call that resolves committed.
 * The next call on a disk with space commits, and verify stays clean.
 */
export function describeFullDiskFaults(target: ConformanceTarget): void {
  describe(titleOf(target, "faults: a disk that fills up mid-write"), () => {
    for (const op of OPERATIONS) {
      it(
        `${op.name}: refused with nothing changed, or committed; never failed after committing`,
        () =>
          withRoot(target, async ({ backend }) => {
            const recording = recordTrace(backend);
            const faulty = new FaultyBackend(recording.backend);
            const store = await openReports(faulty, { create: true, lock: { timeoutMs: 5_000 } });
            try {
              const { report_id: id } = await store.create({ title: "full disk" });
              await store.rename(id, "history");
              for (let k = 1; ; k++) {
                // A fault-free run just before gives the calls the faulted run makes, step by step.
                const warm = await op.prepare(store, id);
                recording.clear();
                await op.run(store, warm, `warm-up ${k}`);
                const trace = [...recording.trace];
                if (k > allocations(trace)) break;
                const subject = await op.prepare(store, id);
                const label = `full at allocation ${k}`;
                const before = await dataSnapshot(backend);
                faulty.setPlan(fullFrom(trace, k));
                const outcome = await op.run(store, subject, label).then(
                  () => undefined,
                  (err: unknown) => err,
                );
                const fired = faulty.fired.length;
                faulty.setPlan([]);
                expect(fired, `${op.name}, ${label}: the disk filled up`).toBeGreaterThan(0);
                if (outcome !== undefined) {
                  expect(outcome, `${op.name}, ${label}`).toBeInstanceOf(LivingReportsError);
                  const why = `${op.name}, ${label}: ${(outcome as Error).message}`;
                  expect(await dataSnapshot(backend), why).toEqual(before);
                  expect((await store.verify()).problems, why).toEqual([]);
                }
                await op.run(store, await op.prepare(store, id), `after ${label}`);
                expect((await store.verify()).problems, `${op.name}, after ${label}`).toEqual([]);
              }
            } finally {
              await store.close();
            }
          }),
        120_000,
      );
    }
  });
}
