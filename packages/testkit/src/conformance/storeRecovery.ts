import { atomicReplace, CRASH_MODES, makeBackup, openReports, sha256Hex } from "@living-reports/core";
import { describe, expect, it } from "vitest";
import { readText, withStore, writeText } from "./storeSupport.js";
import { utf8 } from "./support/bytes.js";
import { writeFile } from "./support/files.js";
import type { ConformanceTarget } from "./target.js";
import { titleOf, withRoot } from "./withRoot.js";

/** G9 manual edits, cut commits, unclean shutdowns and (on memfs) simulated crashes. */
export function describeStoreRecovery(target: ConformanceTarget): void {
  describe(titleOf(target, "store: recovery"), () => {
    it("records a manual edit (G9) with a backup before the next write, and keeps the edit", async () => {
      await withStore(target, async (store, root) => {
        const a = await store.create({ title: "Original" });
        const path = `by_id/${a.report_id}/outline.json`;
        const edited = JSON.stringify({ ...a, title: "Hand edited" }, null, 2);
        await writeText(root.backend, path, edited);
        const next = await store.tag(a.report_id, { add: ["after"] });
        expect(next.title).toBe("Hand edited");
        const history = await store.history(a.report_id);
        const detected = history.at(-2)!;
        expect(detected.action_type).toBe("manual_edit_detected");
        expect(detected.payload.observed_sha256).toBe(sha256Hex(edited));
        expect(detected.payload.expected_sha256).toBe(history[0]!.outline_sha256);
        const backup = await readText(
          root.backend,
          `by_id/${a.report_id}/backups/${detected.payload.backup_filename}`,
        );
        expect(backup).toBe(edited);
        expect(store.recovery.mended.some((m) => m.action === "recorded_manual_edit")).toBe(true);
      });
    });

    it("an edit that does not validate is kept as a backup and fails the write with INVALID_OUTLINE", async () => {
      await withStore(target, async (store, root) => {
        const a = await store.create({ title: "Original" });
        await writeText(root.backend, `by_id/${a.report_id}/outline.json`, "{ broken");
        await expect(store.rename(a.report_id, "x")).rejects.toMatchObject({ code: "INVALID_OUTLINE" });
        const detected = (await store.history(a.report_id)).at(-1)!;
        expect(detected.action_type).toBe("manual_edit_detected");
        expect(await readText(root.backend, `by_id/${a.report_id}/outline.json`)).toBe("{ broken");
      });
    });

    it("rolls a commit cut between rename and audit append forward, not as a manual edit", async () => {
      await withStore(target, async (store, root) => {
        const a = await store.create({ title: "Before" });
        await store.close();
        const dir = `by_id/${a.report_id}`;
        await makeBackup(
          root.backend,
          `${dir}/outline.json`,
          `${dir}/backups/outline.json.20250101T000000_000000.bak`,
        );
        const cut = { ...a, title: "After", outline_version: 2, updated_at: new Date().toISOString() };
        // Steps 4-5 of a commit by hand (backup link, atomic replace), then no audit event.
        await atomicReplace(
          root.backend,
          `${dir}/outline.json`,
          new TextEncoder().encode(JSON.stringify(cut, null, 2)),
        );
        const store2 = await openReports(root.backend);
        try {
          const next = await store2.tag(a.report_id, { add: ["t"] });
          expect(next.outline_version).toBe(3);
          const history = await store2.history(a.report_id);
          expect(history.map((e) => e.action_type)).toEqual(["create", "rename", "tag_update"]);
          expect(history[1]!.payload).toMatchObject({
            recovered: true,
            outline_version: 2,
            new_title: "After",
          });
        } finally {
          await store2.close();
        }
      });
    });

    it("after an unclean shutdown (stale session lock) the next open recovers and rebuilds the index", async () => {
      await withRoot(target, async (root) => {
        const store = await openReports(root.backend, { create: true });
        const a = await store.create({ title: "Survivor" });
        await store.close();
        // What a crashed writer leaves: its session lock, an index line lost, a torn audit tail.
        await root.backend.mkdir(".sessions/0b9a3c1e-5d2f-4a8b-9c7d-6e5f4a3b2c1d.lock");
        await root.backend.utimes(".sessions/0b9a3c1e-5d2f-4a8b-9c7d-6e5f4a3b2c1d.lock", 0);
        await writeText(root.backend, "index.jsonl", "");
        const log = await root.backend.open(`by_id/${a.report_id}/audit.jsonl`, "a");
        await log.write(new TextEncoder().encode('{"action_id":"torn'));
        await log.sync();
        await log.close();
        const reopened = await openReports(root.backend);
        try {
          expect(reopened.recovery.indexRebuilt).toBe(true);
          const actions = reopened.recovery.mended.map((m) => m.action);
          expect(actions).toEqual(expect.arrayContaining(["cut_torn_tail", "removed_stale_session"]));
          expect((await reopened.list()).map((e) => e.report_id)).toEqual([a.report_id]);
          expect(await root.backend.readdir(".sessions")).toEqual([]);
        } finally {
          await reopened.close();
        }
        const check = await openReports(root.backend, { readOnly: true });
        expect((await check.verify()).problems).toEqual([]);
        await check.close();
      });
    });

    it("cuts a torn audit append left as garbage (stray newlines, bad UTF-8), and only it; garbage before a record is reported", async () => {
      await withRoot(target, async (root) => {
        const store = await openReports(root.backend, { create: true });
        const a = await store.create({ title: "Kept" });
        await store.rename(a.report_id, "Renamed");
        await store.close();
        const path = `by_id/${a.report_id}/audit.jsonl`;
        const clean = await root.backend.readFile(path);
        // The first bytes of an append, then a half-written sector's random bytes.
        const garbage = new Uint8Array([
          ...utf8('{"action_id":"1'),
          0xfe,
          0x0a,
          0xc3,
          0x28,
          0x0a,
          0x35,
          0x0a,
          0xff,
        ]);
        await writeFile(root.backend, path, new Uint8Array([...clean, ...garbage]), { durable: true });
        await root.backend.mkdir(".sessions/0b9a3c1e-5d2f-4a8b-9c7d-6e5f4a3b2c1d.lock");
        await root.backend.utimes(".sessions/0b9a3c1e-5d2f-4a8b-9c7d-6e5f4a3b2c1d.lock", 0);
        const reopened = await openReports(root.backend);
        try {
          expect(reopened.recovery.mended.filter((m) => m.action === "cut_torn_tail")).toEqual([
            expect.objectContaining({
              report_id: a.report_id,
              detail: `${garbage.byteLength} bytes at offset ${clean.byteLength}`,
            }),
          ]);
          expect(await root.backend.readFile(path)).toEqual(clean);
          await reopened.tag(a.report_id, { add: ["after"] });
          expect((await reopened.history(a.report_id)).map((e) => e.action_type)).toEqual([
            "create",
            "rename",
            "tag_update",
          ]);
          expect((await reopened.verify()).problems).toEqual([]);
        } finally {
          await reopened.close();
        }

        // The same garbage, newline-terminated, before the last record: corruption, never cut.
        const now = await root.backend.readFile(path);
        const lastStart = now.lastIndexOf(0x0a, now.byteLength - 2) + 1;
        const damaged = new Uint8Array([
          ...now.subarray(0, lastStart),
          ...garbage,
          0x0a,
          ...now.subarray(lastStart),
        ]);
        await writeFile(root.backend, path, damaged, { durable: true });
        const again = await openReports(root.backend);
        try {
          await expect(again.tag(a.report_id, { add: ["no"] })).rejects.toMatchObject({
            code: "CORRUPT_LOG",
          });
          expect((await again.verify()).problems.map((p) => p.code)).toContain("AUDIT_CORRUPT_LINE");
        } finally {
          await again.close();
        }
        expect(await root.backend.readFile(path)).toEqual(damaged);
      });
    });

    it("rebuilds an index that names a report that does not exist", async () => {
      await withStore(target, async (store, root) => {
        const a = await store.create({ title: "Real" });
        await store.close();
        const ghost = (await readText(root.backend, "index.jsonl")).replaceAll(
          a.report_id,
          "0b9a3c1e-5d2f-4a8b-9c7d-6e5f4a3b2c1d",
        );
        await writeText(root.backend, "index.jsonl", ghost);
        const reopened = await openReports(root.backend);
        expect(reopened.recovery.indexRebuilt).toBe(true);
        expect((await reopened.list()).map((e) => e.report_id)).toEqual([a.report_id]);
        await reopened.close();
      });
    });

    describe.each(CRASH_MODES)("crash in mode %s right after resolved updates", (mode) => {
      it("keeps everything acknowledged (only where the backend simulates power loss)", async (context) => {
        await withRoot(target, async (root) => {
          if (root.crash === undefined) {
            context.skip("this backend has real durability: the crash explorer covers it");
            return;
          }
          const store = await openReports(root.backend, { create: true });
          const a = await store.create({ title: "v1" });
          await store.rename(a.report_id, "v2");
          await store.tag(a.report_id, { add: ["kept"] });
          const crashed = root.crash({ mode, seed: 7 });
          await store.close().catch(() => undefined);
          await root.advanceClock(60_000);
          const after = await openReports(crashed);
          try {
            const outline = await after.get(a.report_id);
            expect([outline.title, outline.outline_version, outline.metadata.tags]).toEqual([
              "v2",
              3,
              ["kept"],
            ]);
            expect((await after.history(a.report_id)).map((e) => e.action_type)).toEqual([
              "create",
              "rename",
              "tag_update",
            ]);
            expect((await after.list()).map((e) => [e.report_id, e.current_title])).toEqual([
              [a.report_id, "v2"],
            ]);
          } finally {
            await after.close();
          }
        });
      });
    });
  });
}
