import { createLockManager, ErrorCode, openReports, type ReportStore } from "@living-reports/core";
import { describe, expect, it } from "vitest";
import { dataSnapshot, readText, withStore, writeText } from "./storeSupport.js";
import { expectError } from "./support/expectError.js";
import type { ConformanceTarget } from "./target.js";
import { titleOf } from "./withRoot.js";

const BAD_IDS = ["../etc", "a/b", "x\0y", "A".repeat(300), "7D9C1B52-3A3E-4D0E-9F43-000000000000", ""];

/** Bad input, races between store instances, and lock timeouts: typed errors, unchanged store. */
export function describeStoreRobustness(target: ConformanceTarget): void {
  describe(titleOf(target, "store: bad input and races"), () => {
    it("refuses bad ids with INVALID_ID before touching anything", async () => {
      await withStore(target, async (store, root) => {
        const a = await store.create({ title: "Keep" });
        const before = await dataSnapshot(root.backend);
        for (const id of BAD_IDS) {
          await expectError(store.get(id), ErrorCode.INVALID_ID);
          await expectError(store.rename(id, "x"), ErrorCode.INVALID_ID);
          await expectError(store.delete(id), ErrorCode.INVALID_ID);
          await expectError(store.history(id), ErrorCode.INVALID_ID);
        }
        await expectError(store.synthesize([a.report_id, "../x"], "t"), ErrorCode.INVALID_ID);
        expect(await dataSnapshot(root.backend)).toEqual(before);
      });
    });

    it("refuses invalid, over-size and over-deep outlines on input, writing nothing", async () => {
      await withStore(
        target,
        async (store, root) => {
          const a = await store.create({ title: "Keep" });
          const before = await dataSnapshot(root.backend);
          await expectError(store.update({ ...a, surprise: 1 } as typeof a), ErrorCode.INVALID_OUTLINE);
          await expectError(store.update({ ...a, title: "" }), ErrorCode.INVALID_OUTLINE);
          await expectError(store.rename(a.report_id, ""), ErrorCode.INVALID_INPUT);
          await expectError(store.update({ ...a, metadata: { big: "x".repeat(5000) } }), ErrorCode.TOO_LARGE);
          let deep: Record<string, unknown> = {};
          for (let i = 0; i < 40; i++) deep = { d: deep };
          await expectError(store.update({ ...a, metadata: deep }), ErrorCode.TOO_DEEP);
          await expectError(store.create({ title: "x", metadata: deep }), ErrorCode.TOO_DEEP);
          await expectError(
            store.update({ ...a, created_at: "2020-01-01T00:00:00Z" }),
            ErrorCode.INVALID_INPUT,
          );
          expect(await dataSnapshot(root.backend)).toEqual(before);
        },
        { limits: { maxBytes: 4096, maxDepth: 32 } },
      );
    });

    it("reports malformed, over-size and over-deep outlines on disk with typed errors", async () => {
      await withStore(
        target,
        async (store, root) => {
          const a = await store.create({ title: "Victim" });
          const path = `by_id/${a.report_id}/outline.json`;
          await writeText(root.backend, path, "{ not json");
          await expectError(store.get(a.report_id), ErrorCode.INVALID_OUTLINE);
          await writeText(root.backend, path, `${"[".repeat(40)}${"]".repeat(40)}`);
          await expectError(store.get(a.report_id), ErrorCode.TOO_DEEP);
          await writeText(root.backend, path, " ".repeat(5000));
          await expectError(store.get(a.report_id), ErrorCode.TOO_LARGE);
        },
        { limits: { maxBytes: 4096, maxDepth: 32 } },
      );
    });

    it("store instances racing updates on one report lose nothing; versions and index exact", async () => {
      await withStore(target, async (first, root) => {
        const second = await openReports(root.another());
        try {
          const a = await first.create({ title: "t0" });
          const stores: ReportStore[] = [first, second];
          await Promise.all(
            Array.from({ length: 12 }, (_, i) => stores[i % 2]!.tag(a.report_id, { add: [`tag${i}`] })),
          );
          const final = await second.get(a.report_id);
          expect(final.outline_version).toBe(13);
          expect([...(final.metadata.tags as string[])].sort()).toEqual(
            Array.from({ length: 12 }, (_, i) => `tag${i}`).sort(),
          );
          const versions = (await first.history(a.report_id)).map((e) => e.payload.outline_version);
          expect(versions).toEqual(Array.from({ length: 13 }, (_, i) => i + 1));
          const created = await Promise.all(
            Array.from({ length: 10 }, (_, i) => stores[i % 2]!.create({ title: `r${i}` })),
          );
          const listed = (await second.list()).map((e) => e.report_id).sort();
          expect(listed).toEqual([a.report_id, ...created.map((c) => c.report_id)].sort());
          expect((await first.list()).find((e) => e.report_id === a.report_id)?.tags).toHaveLength(12);
        } finally {
          await second.close();
        }
      });
    });

    it("concurrent writes to more reports than the store keeps logs open for all succeed", async () => {
      // The store caches open audit logs (32); a write holds its report's log between reading the
      // tail and appending: making room must never close a log another write is using.
      await withStore(target, async (store) => {
        const reports = [];
        for (let i = 0; i < 40; i++) reports.push(await store.create({ title: `Busy ${i}` }));
        const tagged = await Promise.all(reports.map((r) => store.tag(r.report_id, { add: ["busy"] })));
        expect(tagged.map((o) => o.outline_version)).toEqual(reports.map(() => 2));
        const again = await Promise.all(reports.map((r) => store.rename(r.report_id, `${r.title}!`)));
        expect(again.map((o) => o.outline_version)).toEqual(reports.map(() => 3));
        expect((await store.verify()).problems).toEqual([]);
      });
    });

    it("a lock held by another instance times out with LOCK_TIMEOUT and changes nothing", async () => {
      await withStore(
        target,
        async (store, root) => {
          const a = await store.create({ title: "Locked" });
          const other = root.another();
          const locks = createLockManager(other);
          const held = await locks.acquire(`by_id/${a.report_id}/.lock`);
          try {
            const before = await readText(root.backend, `by_id/${a.report_id}/outline.json`);
            let settled = false;
            const attempt = store.rename(a.report_id, "Nope");
            void attempt.then(
              () => (settled = true),
              () => (settled = true),
            );
            // Move the lock clock until the waiter gives up (virtual time on memfs, a sleep on disk).
            for (let i = 0; i < 100 && !settled; i++) await root.advanceClock(20);
            await expectError(attempt, ErrorCode.LOCK_TIMEOUT);
            expect(await readText(root.backend, `by_id/${a.report_id}/outline.json`)).toBe(before);
          } finally {
            await held.release();
            await locks.close();
          }
          expect((await store.rename(a.report_id, "Now")).outline_version).toBe(2);
        },
        { lock: { timeoutMs: 30, staleMs: 10_000, refreshMs: 5_000 } },
      );
    });

    it("a root without a store is NOT_FOUND unless created; a newer FORMAT is UNSUPPORTED_FORMAT", async () => {
      await withStore(target, async (store, root) => {
        await store.close();
        await writeText(root.backend, "FORMAT", '{"format":"living-reports","version":99}\n');
        await expectError(openReports(root.backend), ErrorCode.UNSUPPORTED_FORMAT);
        await root.backend.mkdir("elsewhere");
      });
    });
  });
}
