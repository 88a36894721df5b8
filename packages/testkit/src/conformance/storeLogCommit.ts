import { randomUUID } from "node:crypto";
import { encodeAuditLine, openReports, sha256Hex } from "@living-reports/core";
import { describe, expect, it } from "vitest";
import { readText, withStore, writeText } from "./storeSupport.js";
import type { ConformanceTarget } from "./target.js";
import { titleOf } from "./withRoot.js";

/**
 * The audit log as the commit point (docs/DESIGN.md): files behind the log read as committed and
 * are rolled forward; a fenced-out record is skipped by every reader; the FORMAT marker.
 */
export function describeStoreLogCommit(target: ConformanceTarget): void {
  describe(titleOf(target, "store: the log as the commit point"), () => {
    it("an outline.json and a backup left behind the log read as committed, and the next write rolls the outline forward", async () => {
      await withStore(target, async (store, root) => {
        const a = await store.create({ title: "First" });
        const b = await store.update({ ...a, title: "Second" });
        const id = a.report_id;
        // What a crash after the commit point can leave: the outline before, no backup yet.
        await writeText(root.backend, `by_id/${id}/outline.json`, JSON.stringify(a, null, 2));
        const backup = (await store.history(id)).at(-1)?.payload.backup_filename;
        expect(typeof backup).toBe("string");
        await root.backend.unlink(`by_id/${id}/backups/${backup as string}`);

        const reader = await openReports(root.backend, { readOnly: true });
        try {
          expect((await reader.get(id)).title).toBe("Second");
          const report = await reader.verify();
          expect(report.problems).toEqual([]);
          expect(report.notices.map((n) => n.code).sort()).toEqual([
            "BACKUP_BEHIND_LOG",
            "OUTLINE_BEHIND_LOG",
          ]);
        } finally {
          await reader.close();
        }

        const tagged = await store.tag(id, { add: ["after"] });
        expect(tagged.title).toBe("Second");
        expect(tagged.outline_version).toBe(b.outline_version + 1);
        expect(store.recovery.mended.some((m) => m.action === "rolled_forward_commit")).toBe(true);
        expect(JSON.parse(await readText(root.backend, `by_id/${id}/outline.json`))).toEqual(tagged);
        expect((await store.history(id)).map((e) => e.action_type)).toEqual([
          "create",
          "evolve",
          "tag_update",
        ]);
        expect((await store.verify()).problems).toEqual([]);
      });
    });

    it("each update's audit line carries the outline it commits, which history does not show", async () => {
      await withStore(target, async (store, root) => {
        const a = await store.create({ title: "Carried" });
        const b = await store.update({ ...a, title: "Carried on" });
        const lines = (await readText(root.backend, `by_id/${a.report_id}/audit.jsonl`)).trim().split("\n");
        const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
        expect(records.map((r) => r.outline)).toEqual([a, b]);
        for (const r of records) {
          expect(sha256Hex(JSON.stringify(r.outline, null, 2))).toBe(r.outline_sha256);
        }
        for (const event of await store.history(a.report_id)) expect(event).not.toHaveProperty("outline");
      });
    });

    it("a record fenced out (appended from an outdated head) is skipped by history, get, verify and the next write", async () => {
      await withStore(target, async (store, root) => {
        const a = await store.create({ title: "Fenced" });
        const b = await store.update({ ...a, title: "Fenced, updated" });
        const id = a.report_id;
        const path = `by_id/${id}/audit.jsonl`;
        const [first] = (await readText(root.backend, path)).split("\n");
        // A writer that knew only the first line (it lost its lock while paused) appends after it.
        const stale = { ...a, title: "Stale writer", outline_version: 2 };
        const { text } = encodeAuditLine(
          {
            action_id: randomUUID(),
            report_id: id,
            ts: new Date().toISOString(),
            actor: "cli",
            action_type: "evolve",
            payload: { outline_version: 2 },
            outline_sha256: sha256Hex(JSON.stringify(stale, null, 2)),
            outline: stale,
          },
          sha256Hex(`${first}\n`),
        );
        const handle = await root.backend.open(path, "a");
        await handle.write(new TextEncoder().encode(text));
        await handle.sync();
        await handle.close();

        const reader = await openReports(root.backend, { readOnly: true });
        try {
          expect((await reader.history(id)).map((e) => e.payload.outline_version)).toEqual([1, 2]);
          expect((await reader.get(id)).title).toBe(b.title);
          const report = await reader.verify();
          expect(report.problems).toEqual([]);
          expect(report.notices.map((n) => n.code)).toEqual(["AUDIT_FENCED_RECORD"]);
        } finally {
          await reader.close();
        }
        // Another store (it reads the log afresh) writes after the head, past the fenced line.
        const other = await openReports(root.backend);
        try {
          const renamed = await other.rename(id, "After the fence");
          expect(renamed.outline_version).toBe(b.outline_version + 1);
          const history = await other.history(id);
          expect(history.map((e) => e.action_type)).toEqual(["create", "evolve", "rename"]);
          expect((await other.verify()).problems).toEqual([]);
        } finally {
          await other.close();
        }
      });
    });

    it("the store format is 2; a strict store keeps a format-1 marker, a default one raises it", async () => {
      await withStore(target, async (store, root) => {
        await store.create({ title: "Format" });
        expect(JSON.parse(await readText(root.backend, "FORMAT"))).toEqual({
          format: "living-reports",
          version: 2,
        });
        await writeText(
          root.backend,
          "FORMAT",
          `${JSON.stringify({ format: "living-reports", version: 1 })}\n`,
        );
        const strict = await openReports(root.backend, { strict: true });
        try {
          await strict.create({ title: "Strict" });
        } finally {
          await strict.close();
        }
        expect(JSON.parse(await readText(root.backend, "FORMAT")).version).toBe(1);
        const raised = await openReports(root.backend);
        try {
          await raised.create({ title: "Raised" });
        } finally {
          await raised.close();
        }
        expect(JSON.parse(await readText(root.backend, "FORMAT")).version).toBe(2);
      });
    });
  });
}
