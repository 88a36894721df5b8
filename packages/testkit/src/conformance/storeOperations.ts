import { ErrorCode, openReports } from "@living-reports/core";
import { describe, expect, it } from "vitest";
import { dataSnapshot, readText, sampleContent, snapshot, withStore } from "./storeSupport.js";
import { expectError } from "./support/expectError.js";
import type { ConformanceTarget } from "./target.js";
import { titleOf, withRoot } from "./withRoot.js";

/** The store's operations, their payloads and G6 versions, on one backend. */
export function describeStoreOperations(target: ConformanceTarget): void {
  describe(titleOf(target, "store: operations"), () => {
    it("creates, reads, renames, tags, archives with exact versions and payloads", async () => {
      await withStore(target, async (store) => {
        const a = await store.create({ title: "Alpha", tags: ["x"], ...sampleContent(1) });
        expect(a.outline_version).toBe(1);
        expect(await store.get(a.report_id)).toEqual(a);
        expect((await store.rename(a.report_id, "Beta")).outline_version).toBe(2);
        const tagged = await store.tag(a.report_id, { add: ["y"], remove: ["x"] });
        expect(tagged.metadata.tags).toEqual(["y"]);
        const archived = await store.archive(a.report_id);
        expect([tagged.outline_version, archived.outline_version]).toEqual([3, 4]);
        const history = await store.history(a.report_id);
        expect(history.map((e) => e.action_type)).toEqual(["create", "rename", "tag_update", "archive"]);
        expect(history.map((e) => e.payload.outline_version)).toEqual([1, 2, 3, 4]);
        expect(history[0]!.payload.initial_title).toBe("Alpha");
        expect(history[1]!.payload).toMatchObject({ old_title: "Alpha", new_title: "Beta" });
        expect(history[2]!.payload).toMatchObject({
          tags_added: ["y"],
          tags_removed: ["x"],
          final_tags: ["y"],
        });
        for (const e of history.slice(1))
          expect(e.payload.backup_filename).toMatch(/^outline\.json\.\d{8}T\d{6}_\d{6}\.bak$/);
        expect(await store.list()).toEqual([
          expect.objectContaining({
            report_id: a.report_id,
            current_title: "Beta",
            tags: ["y"],
            status: "archived",
          }),
        ]);
      });
    });

    it("update commits the given outline as the next version; a stale version conflicts and writes nothing", async () => {
      await withStore(target, async (store, root) => {
        const a = await store.create({ title: "Alpha" });
        const edited = { ...a, title: "Edited", ...sampleContent(2) };
        const b = await store.update(edited);
        expect(b.outline_version).toBe(2);
        const evolve = (await store.history(a.report_id)).at(-1)!;
        expect(evolve.action_type).toBe("evolve");
        expect(evolve.payload).toMatchObject({ sections_added: 1, insights_added: 1, new_title: "Edited" });
        const before = await dataSnapshot(root.backend);
        const err = await expectError(store.update({ ...a, title: "Stale" }), ErrorCode.VERSION_CONFLICT);
        expect(err.details).toEqual({ expected: 1, actual: 2 });
        await expectError(store.rename(a.report_id, "X", { expectedVersion: 1 }), ErrorCode.VERSION_CONFLICT);
        expect(await dataSnapshot(root.backend)).toEqual(before);
        expect((await store.update({ ...a, title: "Forced" }, { force: true })).outline_version).toBe(3);
      });
    });

    it("revert commits the recorded backup as the next version", async () => {
      await withStore(target, async (store) => {
        const a = await store.create({ title: "One" });
        await store.rename(a.report_id, "Two");
        await store.rename(a.report_id, "Three");
        const rename = (await store.history(a.report_id))[1]!;
        const reverted = await store.revert(a.report_id, rename.action_id);
        expect([reverted.title, reverted.outline_version]).toEqual(["One", 4]);
        const event = (await store.history(a.report_id)).at(-1)!;
        expect(event.payload).toMatchObject({
          reverted_from_action_id: rename.action_id,
          reverted_from_action_type: "rename",
          backup_restored: rename.payload.backup_filename,
        });
        expect(event.payload.current_state_backup).toBe(event.payload.backup_filename);
        const create = (await store.history(a.report_id))[0]!;
        await expectError(store.revert(a.report_id, create.action_id), ErrorCode.INVALID_INPUT);
        await expectError(
          store.revert(a.report_id, "7d9c1b52-3a3e-4d0e-9f43-000000000000"),
          ErrorCode.NOT_FOUND,
        );
      });
    });

    it("forks and synthesizes with new ids and remapped insight ids", async () => {
      await withStore(target, async (store) => {
        const a = await store.create({ title: "A", ...sampleContent(1) });
        const b = await store.create({ title: "B", ...sampleContent(2) });
        const fork = await store.fork(a.report_id, "A copy");
        expect([fork.outline_version, fork.title, fork.sections]).toEqual([1, "A copy", a.sections]);
        expect((await store.history(fork.report_id))[0]).toMatchObject({
          action_type: "fork",
          payload: { source_report_id: a.report_id, new_title: "A copy" },
        });
        const s = await store.synthesize([a.report_id, b.report_id], "Both");
        expect(s.sections).toHaveLength(2);
        const insightIds = new Set(s.insights.map((i) => i.insight_id));
        for (const section of s.sections) {
          expect([a.sections[0]!.section_id, b.sections[0]!.section_id]).not.toContain(section.section_id);
          for (const id of section.insight_ids) expect(insightIds.has(id)).toBe(true);
        }
        expect((await store.history(s.report_id))[0]!.payload.source_report_ids).toEqual([
          a.report_id,
          b.report_id,
        ]);
      });
    });

    it("deletes into the trash, restores, purges; the index follows", async () => {
      await withStore(target, async (store, root) => {
        const a = await store.create({ title: "Doomed" });
        const entry = await store.delete(a.report_id);
        expect(entry.location).toMatch(new RegExp(`^\\.trash/${a.report_id}_\\d{8}T\\d{6}`));
        await expectError(store.get(a.report_id), ErrorCode.NOT_FOUND);
        expect(await store.list()).toEqual([]);
        expect(await store.list({ status: "deleted" })).toHaveLength(1);
        expect(await store.trashList()).toEqual([entry]);
        const back = await store.trashRestore(a.report_id);
        expect(back.title).toBe("Doomed");
        expect((await store.history(a.report_id)).map((e) => e.action_type)).toEqual([
          "create",
          "delete",
          "status_change",
        ]);
        expect((await store.rename(a.report_id, "Saved")).outline_version).toBe(2);
        await store.delete(a.report_id);
        expect(await store.trashPurge({ olderThanDays: 1 })).toEqual([]);
        expect(await store.trashPurge()).toEqual([a.report_id]);
        expect(await store.trashList()).toEqual([]);
        expect(Object.keys(await snapshot(root.backend)).some((p) => p.includes(a.report_id))).toBe(false);
      });
    });

    it("resolves ids, titles and partial titles; AMBIGUOUS lists candidates", async () => {
      await withStore(target, async (store) => {
        const a = await store.create({ title: "Revenue Q1" });
        const b = await store.create({ title: "Revenue Q2" });
        expect(await store.resolve(a.report_id)).toBe(a.report_id);
        expect(await store.resolve("Revenue Q2")).toBe(b.report_id);
        expect(await store.resolve("q1")).toBe(a.report_id);
        const err = await expectError(store.resolve("revenue"), ErrorCode.AMBIGUOUS);
        expect(err.details?.candidates).toHaveLength(2);
        await expectError(store.resolve("nothing"), ErrorCode.NOT_FOUND);
      });
    });

    it("prunes backups beyond the retention and records it", async () => {
      await withStore(
        target,
        async (store, root) => {
          const a = await store.create({ title: "v1" });
          for (let i = 2; i <= 5; i++) await store.rename(a.report_id, `v${i}`);
          const names = await root.backend.readdir(`by_id/${a.report_id}/backups`);
          expect(names).toHaveLength(2);
          const pruned = (await store.history(a.report_id)).filter((e) => e.action_type === "backup");
          expect(pruned.flatMap((e) => e.payload.pruned as string[])).toHaveLength(2);
          await store.close();
          const check = await openReports(root.backend, { readOnly: true });
          expect((await check.verify()).problems).toEqual([]);
          await check.close();
        },
        { backupRetention: 2 },
      );
    });

    it("reads never write; verify of a closed store is clean", async () => {
      await withRoot(target, async (root) => {
        const writer = await openReports(root.backend, { create: true });
        const a = await writer.create({ title: "Read me" });
        await writer.rename(a.report_id, "Read me too");
        await writer.close();
        const before = await snapshot(root.backend);
        const reader = await openReports(root.backend);
        await reader.get(a.report_id);
        await reader.list();
        await reader.history(a.report_id);
        await reader.resolve("read me too");
        expect(await reader.verify()).toMatchObject({ ok: true, problems: [] });
        await reader.close();
        expect(await snapshot(root.backend)).toEqual(before);
        expect(await readText(root.backend, "FORMAT")).toContain("living-reports");
      });
    });

    it("close and asyncDispose: later calls fail with CLOSED", async () => {
      await withRoot(target, async (root) => {
        let id = "";
        {
          await using store = await openReports(root.backend, { create: true });
          id = (await store.create({ title: "Disposable" })).report_id;
        }
        expect(await root.backend.readdir(".sessions")).toEqual([]);
        const store = await openReports(root.backend);
        await store.close();
        await store.close();
        await expectError(store.get(id), ErrorCode.CLOSED);
        await expectError(store.rename(id, "x"), ErrorCode.CLOSED);
      });
    });
  });
}
