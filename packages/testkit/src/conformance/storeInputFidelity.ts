import { ErrorCode, openReports } from "@living-reports/core";
import { describe, expect, it } from "vitest";
import { dataSnapshot, withStore } from "./storeSupport.js";
import { expectError } from "./support/expectError.js";
import type { ConformanceTarget } from "./target.js";
import { titleOf } from "./withRoot.js";

/**
 * Input is stored exactly as given or refused with a typed error, never changed on the way:
 * a number JSON cannot hold (Infinity, NaN: JSON would write `null`) is refused, and a
 * `__proto__` key in metadata is kept as an ordinary key (not dropped, not a prototype).
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
  });
}
