import { DelegatingBackend, openReports, type ReportStore, type StorageBackend } from "@living-reports/core";
import { describe, expect, it } from "vitest";
import { Interleaving } from "./support/interleaving.js";
import type { ConformanceTarget, TargetRoot } from "./target.js";
import { titleOf, withRoot } from "./withRoot.js";

/** `backend` as another process sees the store: its own storage id, so no in-process lock queue is shared. */
function otherProcess(backend: StorageBackend): StorageBackend {
  return new (class extends DelegatingBackend {
    override get storageId(): string {
      return `${this.inner.storageId}#restorer`;
    }
  })(backend);
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

/**
 * A delete in one process (store `a`, every backend call of it a step) and a restore of the same
 * report in another (store `b`), the restore run whole after each prefix of the delete's steps.
 * After both, whichever of them won, every store's `list` agrees with the report folders (the
 * index's last line for the report is not a tombstone of a report that is back in `by_id/`), and
 * `verify` finds nothing. Returns the number of runs in which the restore brought the report back.
 */
async function restoreDuringDelete(root: TargetRoot): Promise<{ runs: number; restored: number }> {
  const scheduler = new Interleaving();
  const a = await openReports(
    scheduler.gated(root.backend, "deleter", () => true),
    { create: true },
  );
  const b = await openReports(otherProcess(root.another()));
  let runs = 0;
  let restored = 0;
  try {
    const alone = await a.create({ title: "counted" });
    scheduler.arm();
    const deleting = a.delete(alone.report_id);
    let steps = 0;
    while ((await scheduler.step("deleter", deleting)) !== undefined) steps++;
    scheduler.release();
    await deleting;
    expect(steps, "the delete's backend calls").toBeGreaterThan(5);
    for (let at = 0; at <= steps; at++) {
      runs++;
      const x = await a.create({ title: `x ${at}` });
      scheduler.arm();
      const deletion = a.delete(x.report_id);
      const order: string[] = [];
      for (let i = 0; i < at; i++) order.push((await scheduler.step("deleter", deletion)) ?? "-");
      const restore = await within(
        b.trashRestore(x.report_id).then(
          () => "restored",
          (err: unknown) => `refused: ${(err as { code?: string }).code ?? String(err)}`,
        ),
        10_000,
        "a restore during a paused delete",
      );
      scheduler.release();
      await deletion;
      if (restore === "restored") restored++;
      const why = `restore after ${at} of the delete's ${steps} calls (${restore}); the delete's calls:\n${order.join("\n")}`;
      const inFolder = (await root.backend.readdir("by_id")).includes(x.report_id);
      const fresh = await openReports(otherProcess(root.another()));
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
 * Registers the races between trash moves (docs/LOCKS.md, "Trash"): a delete and a restore of
 * the same report hold different locks (the report's, the trash entry's), so a restore can run at
 * any point of a delete once its folder is in the trash; the index must end up saying what the
 * folders say.
 */
export function describeTrashRaces(target: ConformanceTarget): void {
  describe(titleOf(target, "store: trash races"), () => {
    it(
      "a restore in another process at every step of a delete leaves the index agreeing with the report folders",
      () =>
        withRoot(target, async (root) => {
          const { runs, restored } = await restoreDuringDelete(root);
          expect(runs).toBeGreaterThan(5);
          // Some runs restore (the folder was in the trash), some are refused (it was not yet).
          expect(restored).toBeGreaterThan(0);
          expect(restored).toBeLessThan(runs);
        }),
      300_000,
    );
  });
}
