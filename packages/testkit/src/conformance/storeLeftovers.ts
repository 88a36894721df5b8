import { openReports, VerifyCode } from "@living-reports/core";
import { describe, expect, it } from "vitest";
import { FaultyBackend } from "../faults/faultyBackend.js";
import { recordTrace } from "../trace/recordTrace.js";
import { writeText } from "./storeSupport.js";
import type { ConformanceTarget } from "./target.js";
import { titleOf, withRoot } from "./withRoot.js";

const ABANDONED = "0d9c8b7a-6f5e-4d3c-9b2a-1f0e9d8c7b6a";

/**
 * What a failed or interrupted command may leave, and that `repair` must mend (issue 14): the
 * folder of a create that never got its first event, a temp file of an interrupted index rewrite
 * in the root; and a `close()` whose first step fails still closes the rest (the audit logs).
 */
export function describeStoreLeftovers(target: ConformanceTarget): void {
  describe(titleOf(target, "store: leftovers repair mends, close that fails"), () => {
    it("repair removes a report folder without outline or events (an abandoned create)", () =>
      withRoot(target, async ({ backend }) => {
        const store = await openReports(backend, { create: true });
        try {
          await store.create({ title: "kept" });
          await backend.mkdir(`by_id/${ABANDONED}`);
          await backend.mkdir(`by_id/${ABANDONED}/backups`);
          const found = (await store.verify()).problems.map((p) => p.code);
          expect(found).toContain(VerifyCode.OUTLINE_MISSING);
          const repaired = await store.repair();
          expect(repaired.unresolved).toEqual([]);
          expect(repaired.mended.map((m) => m.action)).toContain("removed_incomplete_create");
          expect((await backend.readdir("by_id")).includes(ABANDONED)).toBe(false);
          expect((await store.verify()).problems).toEqual([]);
          expect(await store.list()).toHaveLength(1);
        } finally {
          await store.close();
        }
      }));

    it("repair removes an index temp file left in the root by an interrupted rewrite", () =>
      withRoot(target, async ({ backend }) => {
        const store = await openReports(backend, { create: true });
        try {
          await store.create({ title: "kept" });
          const temp = "index.jsonl.tmp-0123456789abcdef";
          await writeText(backend, temp, '{"report_id":');
          expect((await store.verify()).problems.map((p) => p.code)).toEqual([VerifyCode.ORPHAN_TEMP]);
          const repaired = await store.repair();
          expect(repaired.mended).toContainEqual({ action: "removed_temp_file", file: temp });
          expect(repaired.unresolved).toEqual([]);
          expect((await backend.readdir("")).includes(temp)).toBe(false);
          expect(await store.list()).toHaveLength(1);
        } finally {
          await store.close();
        }
      }));

    it("a close() whose session-lock removal fails still closes the audit logs, then throws", () =>
      withRoot(target, async ({ backend }) => {
        const recording = recordTrace(backend);
        const faulty = new FaultyBackend(recording.backend);
        const store = await openReports(faulty, { create: true });
        const { report_id } = await store.create({ title: "written" });
        await store.tag(report_id, { add: ["x"] });
        faulty.setPlan([{ op: "syncDir", path: ".sessions", error: "EROFS", times: "always" }]);
        recording.clear();
        await expect(store.close()).rejects.toMatchObject({ code: "FSYNC_FAILED" });
        faulty.setPlan([]);
        const closedLog = recording.trace.some(
          (e) => e.op === "close" && e.path === `by_id/${report_id}/audit.jsonl`,
        );
        expect(closedLog, "the audit log held open was closed after the session's failure").toBe(true);
        const next = await openReports(backend, { lock: { timeoutMs: 0 } });
        try {
          expect((await next.tag(report_id, { add: ["y"] })).metadata.tags).toEqual(["x", "y"]);
        } finally {
          await next.close();
        }
      }));
  });
}
