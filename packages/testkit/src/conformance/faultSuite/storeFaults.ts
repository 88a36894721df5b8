import { LivingReportsError, type Outline, openReports, type ReportStore } from "@living-reports/core";
import { describe, expect, it } from "vitest";
import { FAULT_OPS, type FaultErrorCode, type FaultOp } from "../../faults/faultRule.js";
import { FaultyBackend } from "../../faults/faultyBackend.js";
import { recordTrace, type TraceRecording } from "../../trace/recordTrace.js";
import type { ConformanceTarget } from "../target.js";
import { titleOf, withRoot } from "../withRoot.js";
import { STEP_ERRNOS } from "./faultExpectations.js";

/**
 * The store's data files: everything but lock files (`*.lock`, what lies inside a lock directory)
 * and session locks. Lock-file faults are left out on purpose: a lock whose removal failed stays on
 * disk until it turns stale, so every later write waits for the stale time (forever on a virtual
 * clock); that is the lock area's business, not the commit protocol's.
 */
const DATA_FILES = /^(?!\.sessions(?:\/|$))(?!(?:.*\/)?[^/]*\.lock(?:\/|$))/;

/** What a reader sees of one report: the state a failed update must leave unchanged. */
interface Observed {
  outline: Outline;
  events: number;
  lastAction: string | undefined;
  indexTitle: string | undefined;
}

async function observe(store: ReportStore, id: string): Promise<Observed> {
  const history = await store.history(id);
  const entry = (await store.list({ status: "all" })).find((e) => e.report_id === id);
  return {
    outline: await store.get(id),
    events: history.length,
    lastAction: history.at(-1)?.action_id,
    indexTitle: entry?.current_title,
  };
}

/** Calls of each op on data files that one fault-free update makes (a store with two commits behind it). */
async function callsPerUpdate(
  recording: TraceRecording,
  store: ReportStore,
  id: string,
): Promise<Map<FaultOp, number>> {
  const current = await store.get(id);
  recording.clear();
  await store.update({ ...current, title: "probe" });
  const counts = new Map<FaultOp, number>();
  for (const event of recording.trace) {
    const to = event.args.to;
    if (DATA_FILES.test(event.path) || (to !== undefined && DATA_FILES.test(to)))
      counts.set(event.op, (counts.get(event.op) ?? 0) + 1);
  }
  recording.clear();
  return counts;
}

/**
 * One update with the nth call of `op` failing with `errno`, and what must hold after it: a
 * rejected update (a LivingReportsError) changed nothing a reader sees; an update that resolved
 * (its fault hit a call whose failure it may absorb, such as a best-effort cleanup) committed in
 * full. Either way the next fault-free update commits the next version and verify finds nothing.
 */
async function updateWithFault(
  faulty: FaultyBackend,
  store: ReportStore,
  id: string,
  fault: { op: FaultOp; nth: number; errno: FaultErrorCode },
): Promise<void> {
  const label = `${fault.errno} at ${fault.op} #${fault.nth}`;
  const before = await observe(store, id);
  const title = `after ${label}`;
  faulty.setPlan([{ op: fault.op, path: DATA_FILES, nth: fault.nth, error: fault.errno }]);
  const outcome = await store.update({ ...before.outline, title }).then(
    () => undefined,
    (err: unknown) => err,
  );
  faulty.setPlan([]);
  const after = await observe(store, id);
  if (outcome === undefined) {
    expect(after.outline.title, label).toBe(title);
    expect(after.outline.outline_version, label).toBe(before.outline.outline_version + 1);
    expect(after.events, label).toBe(before.events + 1);
  } else {
    expect(outcome, label).toBeInstanceOf(LivingReportsError);
    expect(after, `${label}: ${(outcome as Error).message}`).toEqual(before);
  }
  const next = await store.update({ ...after.outline, title: `next to ${label}` });
  expect(next.outline_version, label).toBe(after.outline.outline_version + 1);
  const verified = await store.verify(id);
  expect(verified.problems, label).toEqual([]);
}

/**
 * Registers the fault tests of the store's `update` (docs/GUARANTEES.md#bad-input, G1–G4, G6): for each op
 * an update makes, its nth call fails (for every n, with EIO and ENOSPC) and the store keeps the
 * previous outline, history and index, and stays usable.
 */
export function describeStoreFaults(target: ConformanceTarget): void {
  describe(titleOf(target, "faults: store update"), () => {
    for (const op of FAULT_OPS) {
      it(
        `every ${op} call of an update on a data file fails with EIO or ENOSPC: nothing changes, the store stays usable`,
        () =>
          withRoot(target, async ({ backend }) => {
            const recording = recordTrace(backend);
            const faulty = new FaultyBackend(recording.backend);
            const store = await openReports(faulty, { create: true, lock: { timeoutMs: 5_000 } });
            try {
              const created = await store.create({ title: "faults" });
              await store.update({ ...created, title: "second" });
              const calls = (await callsPerUpdate(recording, store, created.report_id)).get(op) ?? 0;
              for (let nth = 1; nth <= calls; nth++) {
                for (const errno of STEP_ERRNOS)
                  await updateWithFault(faulty, store, created.report_id, { op, nth, errno });
              }
            } finally {
              await store.close();
            }
          }),
        60_000,
      );
    }

    it("a backup link that fails on a name an earlier backup holds never removes that backup (G4)", () =>
      withRoot(target, async ({ backend }) => {
        // A pinned clock gives every backup the same first-choice name, as updates in one
        // millisecond do: the failing update's link then aims at the previous update's backup.
        // Strict: the link comes before the commit point, so the update fails and changes
        // nothing. Default (the log as the commit point): the link comes after it, so the update
        // is committed and resolves; the backup it could not link is one the log holds.
        for (const strict of [true, false]) {
          const faulty = new FaultyBackend(backend);
          const now = new Date("2026-11-26T00:00:00.000Z");
          const store = await openReports(faulty, { create: true, now: () => now, strict });
          try {
            const { report_id } = await store.create({ title: "kept" });
            await store.rename(report_id, "renamed");
            for (const error of STEP_ERRNOS) {
              faulty.setPlan([{ op: "link", error }]);
              const renaming = store.rename(report_id, `never ${error}`);
              if (strict) await expect(renaming).rejects.toBeInstanceOf(LivingReportsError);
              else expect((await renaming).title).toBe(`never ${error}`);
              faulty.setPlan([]);
              expect((await store.verify()).problems).toEqual([]);
            }
            const title = (await store.get(report_id)).title;
            expect(title).toBe(strict ? "renamed" : `never ${STEP_ERRNOS.at(-1)}`);
          } finally {
            await store.close();
          }
        }
      }));
  });
}
