import { openReports } from "@living-reports/core";
import { describe, expect, it } from "vitest";
import { formatTrace } from "../trace/formatTrace.js";
import { recordTrace } from "../trace/recordTrace.js";
import { isLockPath, LOOKING } from "./commitSequence.js";
import { anotherProcess } from "./support/anotherProcess.js";
import type { ConformanceTarget } from "./target.js";
import { titleOf, withRoot } from "./withRoot.js";

/**
 * Registers the hot-path tests for `target`: what an update costs does not grow with the report's
 * history or the number of reports written in turn, and a store keeps a report's lock between its
 * commits (a lease, docs/LOCKS.md) while handing it over at once to anyone who waits.
 */
export function describeStoreHotPath(target: ConformanceTarget): void {
  describe(titleOf(target, "store: hot path and leases"), () => {
    it("an update reads no whole log, lists no growing folder and reads back no index line, however many reports are written in turn", () =>
      withRoot(target, async (root) => {
        const recording = recordTrace(root.backend);
        const store = await openReports(recording.backend, { create: true });
        try {
          // More reports than the store keeps logs open for (32), written round robin.
          const outlines = [];
          for (let i = 0; i < 40; i++) outlines.push(await store.create({ title: `report ${i}` }));
          for (let round = 0; round < 2; round++) {
            for (const [i, outline] of outlines.entries()) {
              outlines[i] = await store.update({ ...outline, title: `${outline.title}, round ${round}` });
            }
            if (round === 0) recording.clear();
          }
          const logReads = recording.trace.filter(
            (e) => e.op === "readFile" && e.path.endsWith("/audit.jsonl"),
          );
          const listings = recording.trace.filter((e) => e.op === "readdir" && e.path.endsWith("/backups"));
          // Nor does it read back the index line it appended (nobody else appended meanwhile).
          const indexReads = recording.trace.filter(
            (e) =>
              e.path === "index.jsonl" && (e.op === "readFile" || (e.op === "open" && e.args.mode === "r")),
          );
          // Nor opens the index for each append: the handle of the last one is kept.
          const indexOpens = recording.trace.filter((e) => e.path === "index.jsonl" && e.op === "open");
          expect(logReads.map((e) => e.path)).toEqual([]);
          expect(listings.map((e) => e.path)).toEqual([]);
          expect(indexReads.map((e) => e.op)).toEqual([]);
          expect(indexOpens.map((e) => `${e.op} ${e.path} ${String(e.args.mode)}`)).toEqual([]);
          expect((await store.verify()).problems).toEqual([]);
        } finally {
          await store.close();
        }
      }));

    it("every write of a commit is made under the report's lock, and the index line without the index lock", () =>
      withRoot(target, async (root) => {
        const recording = recordTrace(root.backend);
        const store = await openReports(recording.backend, { create: true });
        try {
          await store.create({ title: "warm-up" });
          const created = await store.create({ title: "locked" });
          await store.update({ ...created, title: "locked, updated" });
          const trace = recording.trace;
          const reportLock = `by_id/${created.report_id}/.lock`;
          // The lock is taken once for both commits (the create's lock is kept for the update) and
          // not removed before their last write.
          const taken = trace.findIndex(
            (e) => e.op === "mkdir" && e.path === reportLock && e.result === "ok",
          );
          const reportWrites = trace
            .map((e, i) => ({ e, i }))
            .filter(({ e }) => e.path.startsWith(`by_id/${created.report_id}/`) && !isLockPath(e.path))
            .filter(({ e }) => !LOOKING.has(e.op) && e.op !== "mkdir" && e.op !== "syncDir");
          expect(taken, formatTrace(trace)).toBeGreaterThanOrEqual(0);
          expect(reportWrites.length).toBeGreaterThan(0);
          const lastWrite = reportWrites.at(-1)!.i;
          const removed = trace.findIndex((e, i) => i > taken && e.path === reportLock && e.op === "rmdir");
          expect(
            reportWrites.every(({ i }) => i > taken),
            formatTrace(trace),
          ).toBe(true);
          expect(removed === -1 || removed > lastWrite, formatTrace(trace)).toBe(true);
          expect(
            trace.filter((e) => e.op === "mkdir" && e.path === reportLock && e.result === "ok"),
          ).toHaveLength(1);
          // The index lines are appended without the index lock, which only compactions and
          // rebuilds take (docs/LOCKS.md, "Index appends"): it is never taken here.
          const indexWrites = trace.filter((e) => e.path === "index.jsonl" && e.op === "write");
          // The warm-up's line, the create's and the update's.
          expect(indexWrites.length).toBe(3);
          expect(
            trace.filter((e) => e.path === "index.lock" && e.op === "mkdir"),
            formatTrace(trace),
          ).toEqual([]);
        } finally {
          await store.close();
        }
        // close() releases the locks kept for a next commit: no report lock and no index lock is left.
        const left = (await root.backend.readdir("by_id")).map((id) => `by_id/${id}`);
        for (const dir of left) expect(await root.backend.readdir(dir)).not.toContain(".lock");
        expect(await root.backend.readdir("")).not.toContain("index.lock");
      }));

    it("consecutive commits of one store take the report's lock and recover the report once", () =>
      withRoot(target, async (root) => {
        const recording = recordTrace(root.backend);
        const store = await openReports(recording.backend, { create: true, leaseIdleMs: 60_000 });
        try {
          let outline = await store.create({ title: "leased" });
          recording.clear();
          for (let i = 0; i < 5; i++) outline = await store.update({ ...outline, title: `leased ${i}` });
          const dir = `by_id/${outline.report_id}`;
          const trace = recording.trace;
          expect(
            trace.filter((e) => e.path === `${dir}/.lock` && e.op === "mkdir"),
            formatTrace(trace),
          ).toEqual([]);
          expect(
            trace.filter((e) => e.path === dir && e.op === "readdir"),
            formatTrace(trace),
          ).toEqual([]);
          // Nor stats its log before each commit (nobody else appended under the kept lock): at
          // most once, to learn its inode, which the create that made the file did not.
          expect(
            trace.filter((e) => e.path === `${dir}/audit.jsonl` && e.op === "stat" && e.handle === undefined)
              .length,
            formatTrace(trace),
          ).toBeLessThanOrEqual(1);
          expect((await store.history(outline.report_id)).map((e) => e.payload.outline_version)).toEqual([
            1, 2, 3, 4, 5, 6,
          ]);
        } finally {
          await store.close();
        }
      }));

    it("a kept lock goes to a waiter in another process within milliseconds, by its waiting marker", () =>
      withRoot(target, async (root) => {
        const a = await openReports(root.backend, { create: true, leaseIdleMs: 600_000 });
        // Another process: its own storage id, so no in-process queue is shared with `a`.
        const b = await openReports(anotherProcess(root.another()), {
          leaseIdleMs: 0,
          lock: { timeoutMs: 5_000 },
        });
        try {
          const created = await a.create({ title: "kept" });
          const byA = await a.update({ ...created, title: "by a" });
          let settled = false;
          const byB = b.update({ ...byA, title: "by b" }).finally(() => {
            settled = true;
          });
          // Lock time moves on (virtual on memfs, real on a disk) until b is served.
          for (let i = 0; i < 400 && !settled; i++) await root.advanceClock(5);
          expect((await byB).outline_version).toBe(3);
        } finally {
          await a.close();
          await b.close();
        }
      }));

    it("a kept lock goes at once to a waiter in this process, and a hand edit is still detected", () =>
      withRoot(target, async (root) => {
        // A kept lock that only a waiter can take away: the idle time is far beyond the test.
        const a = await openReports(root.backend, { create: true, leaseIdleMs: 600_000 });
        const b = await openReports(root.another(), { leaseIdleMs: 600_000 });
        try {
          const created = await a.create({ title: "shared" });
          const byA = await a.update({ ...created, title: "by a" });
          const byB = await b.update({ ...byA, title: "by b" });
          expect(byB.outline_version).toBe(3);
          const byA2 = await a.update({ ...byB, title: "by a again" });
          expect(byA2.outline_version).toBe(4);
          // An edit behind the library's back while a holds the lock kept from its last commit.
          const path = `by_id/${created.report_id}/outline.json`;
          const handle = await root.backend.open(path, "w");
          await handle.write(
            new TextEncoder().encode(JSON.stringify({ ...byA2, title: "by hand" }, null, 2)),
          );
          await handle.sync();
          await handle.close();
          await a.rename(created.report_id, "after the hand edit");
          const history = await a.history(created.report_id);
          expect(history.map((e) => e.action_type)).toEqual([
            "create",
            "evolve",
            "evolve",
            "evolve",
            "manual_edit_detected",
            "rename",
          ]);
          expect((await a.verify()).problems).toEqual([]);
        } finally {
          await a.close();
          await b.close();
        }
      }));
  });
}
