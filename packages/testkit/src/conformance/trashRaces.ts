import {
  ErrorCode,
  isLivingReportsError,
  type Outline,
  openReports,
  type ReportStore,
} from "@living-reports/core";
import { describe, expect, it } from "vitest";
import { FaultyBackend } from "../faults/faultyBackend.js";
import { anotherProcess } from "./support/anotherProcess.js";
import { expectError } from "./support/expectError.js";
import { writeFile } from "./support/files.js";
import { Interleaving } from "./support/interleaving.js";
import type { ConformanceTarget, TargetRoot } from "./target.js";
import { titleOf, withRoot } from "./withRoot.js";

/** How long a restore may take while the delete is paused before the delete is let go. */
const WAIT_FOR_RESTORE_MS = 300;

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Settles with what `work` settled with, or rejects when it takes longer than `ms`. */
async function within<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** How the delete that the restore races is carried out. */
type DeleteWay = "delete" | "recovery";

/**
 * Report `id`'s delete, cut after its commit point: its `delete` event is in the log, its folder
 * still in `by_id/` (the move failed), for recovery to complete.
 */
async function cutDelete(root: TargetRoot, id: string): Promise<void> {
  const faulty = new FaultyBackend(anotherProcess(root.another()), [
    { op: "rename", path: `by_id/${id}`, error: "EIO" },
  ]);
  const cutter = await openReports(faulty);
  try {
    await cutter.delete(id);
    expect(faulty.fired.length, "the delete's move failed").toBe(1);
  } finally {
    await cutter.close();
  }
}

/**
 * A delete in one process (store `a`, every backend call of it a step; with `recovery`, an
 * update whose recovery completes a delete cut after its event) and a restore of the same report in another (store
 * `b`), the restore run whole after each prefix of the delete's steps. After both, whichever of
 * them won, every store's `list` agrees with the report folders (the index's last line for the
 * report is not a tombstone of a report that is back in `by_id/`), and `verify` finds nothing.
 * Returns the number of runs, and of those in which the restore brought the report back.
 */
async function restoreDuringDelete(
  root: TargetRoot,
  way: DeleteWay,
): Promise<{ runs: number; restored: number }> {
  const scheduler = new Interleaving();
  // No leases: the cut delete is made by a third store, which must not wait for a kept lock of
  // `a` (on a virtual clock its idle release never comes).
  const a = await openReports(
    scheduler.gated(root.backend, "deleter", () => true),
    {
      create: true,
      leaseIdleMs: 0,
    },
  );
  const b = await openReports(anotherProcess(root.another()), { leaseIdleMs: 0 });
  /**
   * Arms the scheduler and starts the delete of `x` (with `recovery`: cuts it first, unarmed,
   * then an update of it, whose recovery under the report's lock completes the delete and which
   * then finds no report; `repair` would complete it too, but rebuilds the index after).
   */
  const begin = async (x: Outline): Promise<{ work: Promise<unknown> }> => {
    if (way === "recovery") await cutDelete(root, x.report_id);
    scheduler.arm();
    if (way === "delete") return { work: a.delete(x.report_id) };
    // Refused (the delete completed first), or done (a restore brought the report back first).
    const update = a.update({ ...x, title: `${x.title} again` }).catch((err: unknown) => {
      if (!isLivingReportsError(err, ErrorCode.NOT_FOUND)) throw err;
    });
    return { work: update };
  };
  let runs = 0;
  let restored = 0;
  try {
    const alone = await a.create({ title: "counted" });
    const { work: deleting } = await begin(alone);
    let steps = 0;
    while ((await scheduler.step("deleter", deleting)) !== undefined) steps++;
    scheduler.release();
    await deleting;
    expect(steps, "the delete's backend calls").toBeGreaterThan(5);
    for (let at = 0; at <= steps; at++) {
      runs++;
      const x = await a.create({ title: `x ${at}` });
      const { work: deletion } = await begin(x);
      const order: string[] = [];
      for (let i = 0; i < at; i++) order.push((await scheduler.step("deleter", deletion)) ?? "-");
      const restoring = b.trashRestore(x.report_id).then(
        () => "restored",
        (err: unknown) => `refused: ${(err as { code?: string }).code ?? String(err)}`,
      );
      // A restore may have to wait for what the paused delete holds (the trash entry's lock, or
      // the report's, which it takes to complete a pending move): then the delete goes on first,
      // the restore after.
      const first = await Promise.race([restoring, pause(WAIT_FOR_RESTORE_MS).then(() => "waited")]);
      scheduler.release();
      await within(deletion, 30_000, "the delete, released");
      const restore =
        first === "waited" ? `waited, ${await within(restoring, 30_000, "the restore")}` : first;
      if (restore.endsWith("restored")) restored++;
      const why = `${way}: restore after ${at} of its ${steps} calls (${restore}); the calls:\n${order.join("\n")}`;
      const inFolder = (await root.backend.readdir("by_id")).includes(x.report_id);
      const fresh = await openReports(anotherProcess(root.another()));
      try {
        for (const store of [a, b, fresh] as ReportStore[]) {
          const listed = (await store.list()).some((e) => e.report_id === x.report_id);
          expect(listed, why).toBe(inFolder);
        }
        expect((await fresh.verify()).problems, why).toEqual([]);
      } finally {
        await fresh.close();
      }
      // Deleted for good between runs, so each run's report is the only one in the trash.
      if (inFolder) await a.delete(x.report_id);
      await a.trashPurge();
    }
  } finally {
    scheduler.release();
    await a.close();
    await b.close();
  }
  return { runs, restored };
}

/**
 * Registers the races between trash moves (docs/LOCKS.md, "Trash entries"): a restore in another
 * process tried at every point of a delete (or of recovery completing one); whichever wins, the
 * index must end up saying what the folders say.
 */
export function describeTrashRaces(target: ConformanceTarget): void {
  describe(titleOf(target, "store: trash races"), () => {
    it("a delete whose move into the trash fails has committed: get, list and the trash say deleted, verify notes the pending move, restore, purge and the next write complete it", () =>
      withRoot(target, async (root) => {
        const store = await openReports(root.backend, { create: true, leaseIdleMs: 0 });
        try {
          const x = await store.create({ title: "cut" });
          const y = await store.create({ title: "cut too" });
          const z = await store.create({ title: "cut, purged" });
          for (const o of [x, y, z]) await cutDelete(root, o.report_id);
          expect((await root.backend.readdir("by_id")).length).toBe(3);
          const fresh = await openReports(anotherProcess(root.another()));
          try {
            expect((await fresh.list()).map((e) => e.report_id)).toEqual([]);
            // A rebuild of the index keeps them deleted (tombstones, not live lines).
            expect(await fresh.rebuildIndex()).toEqual({ reports: 0 });
            expect((await fresh.list()).map((e) => e.report_id)).toEqual([]);
            await expectError(fresh.get(x.report_id), ErrorCode.NOT_FOUND);
            const trashed = (await fresh.trashList()).map((e) => `${e.report_id} ${e.title}`);
            expect(trashed.sort()).toEqual(
              [`${x.report_id} cut`, `${y.report_id} cut too`, `${z.report_id} cut, purged`].sort(),
            );
            const found = await fresh.verify();
            expect(found.problems).toEqual([]);
            expect(found.notices.map((n) => `${n.code} ${n.report_id}`).sort()).toEqual(
              [x, y, z].map((o) => `DELETE_MOVE_PENDING ${o.report_id}`).sort(),
            );
            // A restore completes the move first, then brings the report back.
            expect((await fresh.trashRestore(x.report_id)).title).toBe("cut");
            expect((await fresh.get(x.report_id)).title).toBe("cut");
          } finally {
            await fresh.close();
          }
          // The next write to another completes its move (and finds no report).
          await expectError(store.update({ ...y, title: "after" }), ErrorCode.NOT_FOUND);
          expect((await root.backend.readdir("by_id")).sort()).toEqual([x.report_id, z.report_id].sort());
          expect((await store.trashList()).map((e) => e.report_id).sort()).toEqual(
            [y.report_id, z.report_id].sort(),
          );
          // A purge moves the third first, then removes both for good.
          expect((await store.trashPurge()).sort()).toEqual([y.report_id, z.report_id].sort());
          expect(await root.backend.readdir("by_id")).toEqual([x.report_id]);
          expect(await store.trashList()).toEqual([]);
          expect((await store.list()).map((e) => e.report_id)).toEqual([x.report_id]);
          const after = await store.verify();
          expect(after.problems).toEqual([]);
          expect(after.notices).toEqual([]);
        } finally {
          await store.close();
        }
      }));

    it("after a crash, before any recovery, a delete whose move is pending lists as deleted even where the index lost its tombstone", () =>
      withRoot(target, async (root) => {
        const store = await openReports(root.backend, { create: true, leaseIdleMs: 0 });
        const x = await store.create({ title: "cut, then a crash" });
        await store.close();
        const indexBefore = await root.backend.readFile("index.jsonl");
        await cutDelete(root, x.report_id);
        // What a crash after the event can leave: the tombstone lost, the writer's session lock.
        await writeFile(root.backend, "index.jsonl", indexBefore);
        const session = ".sessions/0b9a3c1e-5d2f-4a8b-9c7d-6e5f4a3b2c1d.lock";
        await root.backend.mkdir(session);
        await root.backend.utimes(session, 0);
        const reader = await openReports(anotherProcess(root.another()), { readOnly: true });
        try {
          expect((await reader.list()).map((e) => e.report_id)).toEqual([]);
          expect((await reader.list({ status: "deleted" })).map((e) => e.report_id)).toEqual([x.report_id]);
          await expectError(reader.get(x.report_id), ErrorCode.NOT_FOUND);
        } finally {
          await reader.close();
        }
      }));

    for (const [way, what] of [
      ["delete", "a delete"],
      ["recovery", "recovery completing a delete cut after its event"],
    ] as const) {
      it(
        `a restore in another process at every step of ${what} leaves the index agreeing with the report folders`,
        () =>
          withRoot(target, async (root) => {
            const { runs, restored } = await restoreDuringDelete(root, way);
            expect(runs).toBeGreaterThan(5);
            expect(restored).toBeGreaterThan(0);
            // A delete's restore is refused until its event (nothing to restore yet); a cut
            // delete's is always done (the restore completes the move first).
            if (way === "delete") expect(restored).toBeLessThan(runs);
          }),
        300_000,
      );
    }
  });
}
