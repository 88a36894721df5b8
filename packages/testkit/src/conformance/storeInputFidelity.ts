import { ErrorCode, openReports } from "@living-reports/core";
import { describe, expect, it } from "vitest";
import { dataSnapshot, withStore } from "./storeSupport.js";
import { expectError } from "./support/expectError.js";
import type { ConformanceTarget } from "./target.js";
import { titleOf } from "./withRoot.js";

/**
 * Input is stored exactly as given or refused with a typed error, never changed on the way:
 * a number JSON cannot hold (Infinity, NaN: JSON would write `null`) is refused, and a
 * `__proto__` key in metadata is kept as an ordinary key (not dropped, not a prototype); tags
 * given as a string, an action id that is not a UUID and a UUID in the wrong case are refused.
 */
export function describeStoreInputFidelity(target: ConformanceTarget): void {
  describe(titleOf(target, "store: input kept exactly or refused"), () => {
    it("refuses non-finite numbers in metadata with INVALID_OUTLINE, writing nothing", () =>
      withStore(target, async (store, root) => {
        const a = await store.create({ title: "Keep" });
        const before = await dataSnapshot(root.backend);
        await expectError(
          store.update({ ...a, metadata: { n: Number.POSITIVE_INFINITY } }),
          ErrorCode.INVALID_OUTLINE,
        );
        await expectError(
          store.update({ ...a, metadata: { deep: [{ n: Number.NaN }] } }),
          ErrorCode.INVALID_OUTLINE,
        );
        await expectError(
          store.create({ title: "New", metadata: { n: -Infinity } }),
          ErrorCode.INVALID_OUTLINE,
        );
        expect(await dataSnapshot(root.backend)).toEqual(before);
        expect(await store.list()).toHaveLength(1);
      }));

    it("an outline the store returned, changed by its caller afterwards, changes nothing it commits next", () =>
      withStore(target, async (store) => {
        const first = await store.create({ title: "Mine", tags: ["a"] });
        const section = { section_id: "00000000-0000-4000-8000-000000000001", title: "S", order: 0 };
        const created = await store.update({
          ...first,
          sections: [{ ...section, insight_ids: [], content_format: "markdown", metadata: {} }],
        });
        const committed = await store.get(created.report_id);
        // Every level a caller can reach: the sections, one section, metadata and its tags.
        const scribble = (o: typeof created) => {
          o.sections[0]!.title = "scribbled";
          o.sections.push({ ...o.sections[0]!, section_id: "00000000-0000-4000-8000-000000000002" });
          (o.metadata.tags as string[]).push("scribbled");
          o.metadata.scribbled = true;
        };
        scribble(created);
        const renamed = await store.rename(created.report_id, "Renamed");
        expect(renamed).toEqual({
          ...committed,
          title: "Renamed",
          outline_version: committed.outline_version + 1,
          updated_at: renamed.updated_at,
        });
        scribble(renamed);
        const tagged = await store.tag(created.report_id, { add: ["b"] });
        expect(tagged.sections.map((s) => s.title)).toEqual(["S"]);
        expect(tagged.metadata).toEqual({ tags: ["a", "b"] });
        const updated = await store.update({ ...tagged, title: "Updated" });
        scribble(tagged);
        scribble(updated);
        const read = await store.get(created.report_id);
        expect(read.sections.map((s) => s.title)).toEqual(["S"]);
        expect(read.metadata).toEqual({ tags: ["a", "b"] });
        const again = await store.rename(created.report_id, "Again");
        expect(again.sections.map((s) => s.title)).toEqual(["S"]);
        expect(again.metadata).toEqual({ tags: ["a", "b"] });
      }));

    it("keeps a metadata `__proto__` key exactly, across a reopen", () =>
      withStore(target, async (store, root) => {
        const a = await store.create({ title: "Keep" });
        const metadata = JSON.parse('{"__proto__": {"polluted": true}, "tags": ["x"]}') as Record<
          string,
          unknown
        >;
        const updated = await store.update({ ...a, metadata });
        expect(Object.hasOwn(updated.metadata, "__proto__")).toBe(true);
        const reader = await openReports(root.another(), { readOnly: true });
        try {
          const read = await reader.get(a.report_id);
          expect(Object.hasOwn(read.metadata, "__proto__")).toBe(true);
          expect(JSON.stringify(read.metadata)).toBe('{"__proto__":{"polluted":true},"tags":["x"]}');
          expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
        } finally {
          await reader.close();
        }
      }));

    it("refuses tags given as a string (never spread into letters), a path as an action id, an uppercase UUID to resolve", () =>
      withStore(target, async (store, root) => {
        const a = await store.create({ title: "Keep" });
        const before = await dataSnapshot(root.backend);
        await expectError(
          store.create({ title: "T", tags: "abc" as unknown as string[] }),
          ErrorCode.INVALID_INPUT,
        );
        await expectError(store.create({ title: "T", tags: ["ok", ""] }), ErrorCode.INVALID_INPUT);
        await expectError(store.revert(a.report_id, "../x"), ErrorCode.INVALID_ID);
        await expectError(store.resolve(a.report_id.toUpperCase()), ErrorCode.INVALID_ID);
        expect(await dataSnapshot(root.backend)).toEqual(before);
        expect(await store.resolve(a.report_id)).toBe(a.report_id);
        expect(await store.resolve(a.report_id.slice(0, 8))).toBe(a.report_id);
        expect((await store.create({ title: "T", tags: ["x", "x", "y"] })).metadata.tags).toEqual(["x", "y"]);
      }));
  });
}
