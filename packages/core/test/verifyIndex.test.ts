import { describe, expect, it } from "vitest";
import { ErrorCode, isLivingReportsError } from "../src/index.js";
import type { Progress, VerifyReport } from "../src/store/shared/types.js";
import { verifyStore } from "../src/store/verify/index.js";
import {
  appendIndex,
  newStore,
  outlineOf,
  type ReadOnlyMemoryBackend,
  writeLibraryReport,
} from "./verifySupport.js";

const A = "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d";
const B = "9f8e7d6c-5b4a-4938-8271-605f4e3d2c1b";
const GONE = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";

function store(): ReadOnlyMemoryBackend {
  const backend = newStore();
  writeLibraryReport(backend, A, [{ action_type: "create", outline: outlineOf(A, { title: "Alpha" }) }]);
  writeLibraryReport(backend, B, [
    {
      action_type: "create",
      outline: outlineOf(B, { title: "Beta", metadata: { tags: ["x", "y"], status: "archived" } }),
    },
  ]);
  return backend;
}

function entry(id: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    report_id: id,
    current_title: id === A ? "Alpha" : "Beta",
    created_at: "2026-03-01T09:00:00+00:00",
    updated_at: "2026-03-01T09:00:00+00:00",
    tags: id === A ? ["finance"] : ["y", "x"],
    status: id === A ? "active" : "archived",
    path: `by_id/${id}`,
    ...overrides,
  };
}

function found(result: VerifyReport): string[] {
  return result.problems
    .map((p) => `${p.code} ${p.report_id ?? "-"} ${p.file ?? "-"}:${p.line ?? "-"}`)
    .sort();
}

describe("verifyStore: the index (G5)", () => {
  it("folds lines, the last per report winning; tags compare as a set; tombstones are fine", async () => {
    const backend = store();
    appendIndex(backend, entry(A, { current_title: "Old title" }));
    appendIndex(backend, entry(A));
    appendIndex(backend, entry(B));
    appendIndex(backend, entry(GONE, { current_title: "Deleted", status: "deleted" }));
    expect((await verifyStore(backend)).problems).toEqual([]);
  });

  it("reports each bad line with its number, an incomplete last line included", async () => {
    const backend = store();
    appendIndex(backend, { ...entry(A), extra: true });
    backend.put("index.jsonl", `${new TextDecoder().decode(backend.get("index.jsonl"))}{"report_id": "1a2b`);
    expect(found(await verifyStore(backend))).toEqual([
      "INDEX_CORRUPT_LINE - index.jsonl:3",
      "INDEX_CORRUPT_LINE - index.jsonl:4",
    ]);
  });

  it("reports a report with no live entry: none at all, or only a tombstone", async () => {
    const backend = store();
    backend.put("index.jsonl", `${JSON.stringify(entry(B))}\n`);
    appendIndex(backend, entry(B, { status: "deleted" }));
    expect(found(await verifyStore(backend))).toEqual([
      `INDEX_MISSING_ENTRY ${A} index.jsonl:-`,
      `INDEX_MISSING_ENTRY ${B} index.jsonl:-`,
    ]);
  });

  it("reports an entry whose title, tags, status or path differ from the outline", async () => {
    const backend = store();
    appendIndex(backend, entry(A, { current_title: "Alpha (old)" }));
    appendIndex(backend, entry(B, { tags: ["x"], status: "active", path: `by_id/${A}` }));
    const result = await verifyStore(backend);
    expect(found(result)).toEqual([
      `INDEX_STALE_ENTRY ${A} index.jsonl:3`,
      `INDEX_STALE_ENTRY ${B} index.jsonl:4`,
    ]);
    const stale = result.problems.find((p) => p.report_id === B)!.message;
    for (const part of ['tags ["x"]', "status active, outline has archived", `path by_id/${A}`]) {
      expect(stale).toContain(part);
    }
  });

  it("reports a live entry for a report without an outline (not tombstoned)", async () => {
    const backend = store();
    appendIndex(backend, entry(GONE, { current_title: "Deleted" }));
    expect(found(await verifyStore(backend))).toEqual([`INDEX_UNKNOWN_REPORT ${GONE} index.jsonl:3`]);
  });

  it("reports every report as missing from an absent index", async () => {
    const backend = store();
    backend.remove("index.jsonl");
    expect(found(await verifyStore(backend))).toEqual([
      `INDEX_MISSING_ENTRY ${A} index.jsonl:-`,
      `INDEX_MISSING_ENTRY ${B} index.jsonl:-`,
    ]);
  });
});

describe("verifyStore: leftovers in a report folder", () => {
  it("reports orphan temps in the report and its backups, and stale locks by the given clock", async () => {
    const backend = store();
    const now = Date.UTC(2026, 5, 1);
    backend.put(`by_id/${A}/outline.json.tmp-00112233445566ff`, "{");
    backend.put(`by_id/${A}/backups/outline.json.20260301T090000_000000.bak.tmp-a1b2c3d4e5f60718`, "{");
    backend.mkdirs(`by_id/${A}/.lock`, now - 11_000);
    backend.mkdirs(`by_id/${B}/.lock`, now - 9_000);
    backend.mkdirs(`by_id/${B}/.lock.reclaim`, now - 12_000);
    const result = await verifyStore(backend, { now: () => now, staleMs: 10_000 });
    expect(found(result)).toEqual([
      `ORPHAN_TEMP ${A} by_id/${A}/backups/outline.json.20260301T090000_000000.bak.tmp-a1b2c3d4e5f60718:-`,
      `ORPHAN_TEMP ${A} by_id/${A}/outline.json.tmp-00112233445566ff:-`,
      `STALE_LOCK ${A} by_id/${A}/.lock:-`,
      `STALE_LOCK ${B} by_id/${B}/.lock.reclaim:-`,
    ]);
  });
});

describe("verifyStore: options", () => {
  it("checks one report and its index entry only, with reportId", async () => {
    const backend = store();
    backend.put(`by_id/${B}/outline.json`, "{");
    appendIndex(backend, entry(A, { current_title: "stale" }));
    appendIndex(backend, entry(GONE));
    const result = await verifyStore(backend, { reportId: A });
    expect(found(result)).toEqual([`INDEX_STALE_ENTRY ${A} index.jsonl:3`]);
    expect(result.reports).toBe(1);
    expect(backend.calls.some((c) => c.includes(B))).toBe(false);
  });

  it("refuses a bad reportId before touching anything, and an unknown one as NOT_FOUND", async () => {
    const backend = store();
    await expect(verifyStore(backend, { reportId: "../etc" })).rejects.toSatisfy((e) =>
      isLivingReportsError(e, ErrorCode.INVALID_ID),
    );
    expect(backend.calls).toEqual([]);
    await expect(verifyStore(backend, { reportId: GONE })).rejects.toSatisfy((e) =>
      isLivingReportsError(e, ErrorCode.NOT_FOUND),
    );
  });

  it("reports progress once per report", async () => {
    const seen: Progress[] = [];
    await verifyStore(store(), { onProgress: (p) => seen.push(p) });
    expect(seen).toEqual([
      { phase: "verify", done: 1, total: 2 },
      { phase: "verify", done: 2, total: 2 },
    ]);
  });
});
