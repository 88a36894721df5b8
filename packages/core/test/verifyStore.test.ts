import { describe, expect, it } from "vitest";
import { type Outline, openReports, serializeOutline, sha256Hex } from "../src/index.js";
import type { VerifyReport } from "../src/store/shared/types.js";
import { type VerifyCode, verifyStore } from "../src/store/verify/index.js";
import {
  actionId,
  auditRecords,
  chainLines,
  newStore,
  outlineOf,
  type ReadOnlyMemoryBackend,
  writeLibraryReport,
} from "./verifySupport.js";
import { LockingFakeBackend, mapErrors } from "./verifyWritableBackend.js";

const A = "0c6d3f9e-5b1a-4c8e-9f0a-1b2c3d4e5f60";
const B = "7e8f9a0b-1c2d-4e3f-8a5b-6c7d8e9f0a1b";
const AUDIT_A = `by_id/${A}/audit.jsonl`;

/** A store the library wrote: A created, evolved, tagged (versions 1..3); B created. */
function healthyStore(): ReadOnlyMemoryBackend {
  const backend = newStore();
  const v1 = outlineOf(A);
  const v2: Outline = { ...v1, title: "Quarterly numbers, revised", outline_version: 2 };
  const v3: Outline = { ...v2, metadata: { tags: ["finance", "q1"], status: "active" }, outline_version: 3 };
  writeLibraryReport(backend, A, [
    { action_type: "create", outline: v1, payload: { initial_title: v1.title } },
    { action_type: "evolve", outline: v2, payload: { old_title: v1.title, new_title: v2.title } },
    {
      action_type: "tag_update",
      outline: v3,
      payload: { tags_added: ["q1"], tags_removed: [], final_tags: ["finance", "q1"] },
    },
  ]);
  writeLibraryReport(backend, B, [{ action_type: "create", outline: outlineOf(B, { title: "Churn" }) }]);
  return backend;
}

function text(backend: ReadOnlyMemoryBackend, path: string): string {
  return new TextDecoder().decode(backend.get(path));
}

/** The problems as `CODE report file:line`, sorted, for exact comparisons. */
function found(result: VerifyReport): string[] {
  return result.problems
    .map((p) => `${p.code} ${p.report_id ?? "-"} ${p.file ?? "-"}:${p.line ?? "-"}`)
    .sort();
}

function codes(result: VerifyReport): VerifyCode[] {
  return result.problems.map((p) => p.code as VerifyCode);
}

describe("verifyStore: root", () => {
  it("passes a healthy store written by the library", async () => {
    const result = await verifyStore(healthyStore());
    expect(result).toEqual({ ok: true, problems: [], notices: [], reports: 2 });
  });

  it("passes a store written by openReports, after every operation", async () => {
    const backend = mapErrors(new LockingFakeBackend());
    const store = await openReports(backend, { create: true });
    const clean = async () => expect((await verifyStore(backend)).problems).toEqual([]);
    try {
      const a = await store.create({ title: "Alpha", tags: ["t"] });
      await clean();
      const updated = await store.update({ ...a, title: "Alpha 2" });
      await store.tag(a.report_id, { add: ["u"] });
      await store.archive(a.report_id);
      await clean();
      await store.revert(a.report_id, (await store.history(a.report_id))[1]!.action_id);
      expect((await store.get(a.report_id)).outline_version).toBe(updated.outline_version + 3);
      await clean();
    } finally {
      await store.close();
    }
    await clean();
  });

  it("reports NOT_A_STORE for a root without by_id/ and checks nothing else", async () => {
    const backend = healthyStore();
    backend.remove("by_id");
    expect(found(await verifyStore(backend))).toEqual(["NOT_A_STORE - by_id:-"]);
  });

  it("reports FORMAT_UNSUPPORTED for a newer format and stops there", async () => {
    const backend = healthyStore();
    backend.put("FORMAT", JSON.stringify({ format: "living-reports", version: 99 }));
    backend.put(`by_id/${A}/outline.json`, "{ not json");
    expect(found(await verifyStore(backend))).toEqual(["FORMAT_UNSUPPORTED - FORMAT:-"]);
  });

  it("reports FORMAT_INVALID for a marker that is not one, and goes on", async () => {
    const backend = healthyStore();
    backend.put("FORMAT", "hello");
    expect(found(await verifyStore(backend))).toEqual(["FORMAT_INVALID - FORMAT:-"]);
  });

  it("never follows a by_id entry that is not a report id or not a folder", async () => {
    const backend = healthyStore();
    backend.put("by_id/not-a-uuid/outline.json", "{}");
    backend.put(`by_id/${A.toUpperCase()}/outline.json`, "{}");
    backend.put("by_id/11111111-2222-4333-8444-555555555555", "a file");
    const result = await verifyStore(backend);
    expect(found(result)).toEqual([
      `REPORT_DIR_INVALID - by_id/${A.toUpperCase()}:-`,
      "REPORT_DIR_INVALID - by_id/not-a-uuid:-",
      "REPORT_DIR_INVALID 11111111-2222-4333-8444-555555555555 by_id/11111111-2222-4333-8444-555555555555:-",
    ]);
    expect(backend.calls.filter((c) => c.includes("not-a-uuid/"))).toEqual([]);
    expect(result.reports).toBe(2);
  });

  it("reports orphan temps and stale locks at the root and in .sessions/", async () => {
    const backend = healthyStore();
    const now = Date.UTC(2026, 5, 1);
    backend.put("index.jsonl.tmp-0123456789abcdef", "partial");
    backend.mkdirs("index.lock", now - 60_000);
    backend.mkdirs(".sessions/3f0c2a4e-9d1b-4c7a-8e6f-5a4b3c2d1e0f.lock", now - 60_000);
    backend.mkdirs(".sessions/9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d.lock", now - 1_000);
    const result = await verifyStore(backend, { now: () => now, staleMs: 10_000 });
    expect(found(result)).toEqual([
      "ORPHAN_TEMP - index.jsonl.tmp-0123456789abcdef:-",
      "STALE_LOCK - .sessions/3f0c2a4e-9d1b-4c7a-8e6f-5a4b3c2d1e0f.lock:-",
      "STALE_LOCK - index.lock:-",
    ]);
  });
});

describe("verifyStore: outline and audit log", () => {
  it("reports a missing outline, and the index entry that names it", async () => {
    const backend = healthyStore();
    backend.remove(`by_id/${B}/outline.json`);
    expect(found(await verifyStore(backend))).toEqual([
      `INDEX_UNKNOWN_REPORT ${B} index.jsonl:2`,
      `OUTLINE_MISSING ${B} by_id/${B}/outline.json:-`,
    ]);
  });

  it.each([
    ["malformed JSON", "{ nope", {}],
    ["a schema violation", JSON.stringify({ ...outlineOf(B), surprise: 1 }), {}],
    ["an outline of another report", serializeOutline(outlineOf(A)), {}],
  ])(
    "reports OUTLINE_INVALID for %s (and the change behind the library's back)",
    async (_what, bytes, limits) => {
      const backend = healthyStore();
      backend.put(`by_id/${B}/outline.json`, bytes);
      const result = await verifyStore(backend, { limits });
      expect(found(result)).toEqual([
        `OUTLINE_HASH_MISMATCH ${B} by_id/${B}/outline.json:-`,
        `OUTLINE_INVALID ${B} by_id/${B}/outline.json:-`,
      ]);
    },
  );

  it("reports OUTLINE_INVALID for outlines and backups over the limits", async () => {
    const size = healthyStore().get(`by_id/${B}/outline.json`).length;
    const result = await verifyStore(healthyStore(), { limits: { maxBytes: size - 1 } });
    expect(result.problems.filter((p) => p.report_id === B)).toEqual([
      expect.objectContaining({ code: "OUTLINE_INVALID", file: `by_id/${B}/outline.json` }),
    ]);
    expect(result.problems.find((p) => p.code === "OUTLINE_INVALID")?.message).toContain("TOO_LARGE");
    expect(codes(result)).toContain("BACKUP_INVALID");
  });

  it("reports a missing audit log", async () => {
    const backend = healthyStore();
    backend.remove(`by_id/${B}/audit.jsonl`);
    expect(found(await verifyStore(backend))).toEqual([`AUDIT_MISSING ${B} by_id/${B}/audit.jsonl:-`]);
  });

  it("reports a torn tail with its line", async () => {
    const backend = healthyStore();
    const log = text(backend, AUDIT_A);
    backend.put(AUDIT_A, log.slice(0, log.length - 40));
    const result = await verifyStore(backend);
    expect(found(result)).toContain(`AUDIT_TORN_TAIL ${A} ${AUDIT_A}:3`);
  });

  it("reports a corrupt middle line, never skipping it silently", async () => {
    const backend = healthyStore();
    const lines = text(backend, AUDIT_A).split("\n");
    lines[1] = lines[1]!.replace('"evolve"', '"evolvE"');
    backend.put(AUDIT_A, lines.join("\n"));
    expect(found(await verifyStore(backend))).toContain(`AUDIT_CORRUPT_LINE ${A} ${AUDIT_A}:2`);
  });

  it("reports a removed line as a chain break", async () => {
    const backend = healthyStore();
    const lines = text(backend, AUDIT_A).split("\n");
    lines.splice(1, 1);
    backend.put(AUDIT_A, lines.join("\n"));
    expect(codes(await verifyStore(backend))).toContain("AUDIT_CHAIN_BROKEN");
  });

  it("reports a complete record glued onto a torn fragment", async () => {
    const backend = healthyStore();
    const lines = text(backend, AUDIT_A).split("\n");
    lines[1] = `${lines[1]!.slice(0, 50)}${lines[2]}`;
    lines.splice(2, 1);
    backend.put(AUDIT_A, lines.join("\n"));
    expect(found(await verifyStore(backend))).toContain(`AUDIT_GLUED_RECORD ${A} ${AUDIT_A}:2`);
  });

  it("reports duplicate action ids, events going back in time, and invalid events", async () => {
    const backend = healthyStore();
    const records = auditRecords(backend, A);
    const render = (ts: string, extra: Record<string, unknown> = {}) => ({
      action_id: actionId(),
      report_id: A,
      ts,
      actor: "cli",
      action_type: "render",
      request_id: null,
      payload: {},
      ...extra,
    });
    records.push({ ...records[1]! });
    records.push(render("2026-03-01T08:00:00+00:00"));
    records.push(render("2026-03-01T10:00:00Z", { actor: "robot" }));
    records.push(render("2026-03-01T10:00:00Z", { report_id: B }));
    backend.put(AUDIT_A, chainLines(records));
    expect(found(await verifyStore(backend))).toEqual([
      `AUDIT_DUPLICATE_ACTION ${A} ${AUDIT_A}:4`,
      `AUDIT_INVALID_EVENT ${A} ${AUDIT_A}:6`,
      `AUDIT_INVALID_EVENT ${A} ${AUDIT_A}:7`,
      `AUDIT_OUT_OF_ORDER ${A} ${AUDIT_A}:5`,
    ]);
  });
});

describe("verifyStore: versions (G6) and manual edits (G9)", () => {
  it("reports a version that does not rise by exactly one", async () => {
    const backend = newStore();
    const v1 = outlineOf(A);
    writeLibraryReport(backend, A, [
      { action_type: "create", outline: v1 },
      { action_type: "rename", outline: { ...v1, outline_version: 3 } },
    ]);
    expect(found(await verifyStore(backend))).toEqual([`VERSION_SEQUENCE ${A} ${AUDIT_A}:2`]);
  });

  it("reports an outline whose version is not the last committed one", async () => {
    const backend = healthyStore();
    const bytes = serializeOutline({ ...outlineOf(B, { title: "Churn" }), outline_version: 5 });
    backend.put(`by_id/${B}/outline.json`, bytes);
    expect(codes(await verifyStore(backend)).sort()).toEqual(["OUTLINE_HASH_MISMATCH", "VERSION_SEQUENCE"]);
  });

  it("reports an outline edited behind the library's back", async () => {
    const backend = healthyStore();
    const edited = text(backend, `by_id/${B}/outline.json`).replace('"Churn"', '"Churn (edited)"');
    backend.put(`by_id/${B}/outline.json`, edited);
    const result = await verifyStore(backend);
    expect(found(result)).toEqual([
      `INDEX_STALE_ENTRY ${B} index.jsonl:2`,
      `OUTLINE_HASH_MISMATCH ${B} by_id/${B}/outline.json:-`,
    ]);
    expect(result.problems.find((p) => p.code === "OUTLINE_HASH_MISMATCH")?.message).toContain(
      sha256Hex(edited),
    );
  });

  it("accepts a recorded manual edit as the new baseline, whatever version it holds", async () => {
    const backend = newStore();
    const v1 = outlineOf(A);
    const edited: Outline = { ...v1, title: "Edited by hand", outline_version: 7 };
    writeLibraryReport(backend, A, [
      { action_type: "create", outline: v1 },
      {
        action_type: "status_change",
        outline: { ...edited, outline_version: 8 },
        payload: { status: "active" },
      },
    ]);
    const records = auditRecords(backend, A);
    records.splice(1, 0, {
      ...records[0]!,
      action_id: actionId(),
      action_type: "manual_edit_detected",
      payload: { expected_sha256: records[0]!.outline_sha256, outline_version: 7 },
      outline_sha256: sha256Hex(serializeOutline(edited)),
    });
    backend.put(AUDIT_A, chainLines(records));
    // The commit after the edit backed up the edited outline (the state before it).
    const backup = (records[2]!.payload as { backup_filename: string }).backup_filename;
    backend.put(`by_id/${A}/backups/${backup}`, serializeOutline(edited));
    expect((await verifyStore(backend)).problems).toEqual([]);
  });
});
