import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { VerifyCode, verifyStore } from "../src/store/verify/index.js";
import { LEGACY_FIXTURES, loadHostDir, ReadOnlyMemoryBackend } from "./verifySupport.js";

const TORN = "50a74cff-026f-4c84-aa8f-f5f8d837115f";
const GLUED = "b45bd900-1ede-4247-b679-0f4964403c6a";
const LOCKED = "b0f9c8e1-3cfd-4549-91b8-49e8c4818cec";
/** Far older than any stale time: git does not keep mtimes, so the test sets them. */
const LONG_AGO = Date.UTC(2020, 0, 1);

function load(name: "clean" | "crashed"): ReadOnlyMemoryBackend {
  const backend = new ReadOnlyMemoryBackend();
  loadHostDir(backend, join(LEGACY_FIXTURES, name));
  return backend;
}

describe("verifyStore on the stores the Python module wrote", () => {
  it("finds nothing wrong with the clean store (no FORMAT marker: a legacy store)", async () => {
    const result = await verifyStore(load("clean"));
    expect(result.problems).toEqual([]);
    expect(result).toMatchObject({ ok: true, reports: 3 });
  });

  it("names exactly the damage crashed.json lists, with report, file and line", async () => {
    const backend = load("crashed");
    backend.put(`by_id/${LOCKED}/.lock`, "", LONG_AGO);
    const result = await verifyStore(backend);
    expect(result.ok).toBe(false);
    expect(result.reports).toBe(3);
    const found = result.problems.map(({ code, report_id, file, line }) => ({ code, report_id, file, line }));
    expect(found).toEqual(
      expect.arrayContaining([
        { code: VerifyCode.AUDIT_TORN_TAIL, report_id: TORN, file: `by_id/${TORN}/audit.jsonl`, line: 5 },
        { code: VerifyCode.ORPHAN_TEMP, report_id: TORN, file: `by_id/${TORN}/outline.tmp`, line: undefined },
        {
          code: VerifyCode.AUDIT_GLUED_RECORD,
          report_id: GLUED,
          file: `by_id/${GLUED}/audit.jsonl`,
          line: 6,
        },
        { code: VerifyCode.STALE_LOCK, report_id: LOCKED, file: `by_id/${LOCKED}/.lock`, line: undefined },
      ]),
    );
    expect(found).toHaveLength(4);
    const glued = result.problems.find((p) => p.code === VerifyCode.AUDIT_GLUED_RECORD);
    expect(glued?.message).toContain("fefaa6a1-28a0-4613-aab9-4b4261b274fb");
  });

  it("respects a .lock file refreshed within the stale time (a live holder)", async () => {
    const backend = load("crashed");
    const now = Date.UTC(2026, 2, 1, 12);
    backend.put(`by_id/${LOCKED}/.lock`, "", now - 2_000);
    const result = await verifyStore(backend, { now: () => now, staleMs: 10_000 });
    expect(result.problems.map((p) => p.code)).not.toContain(VerifyCode.STALE_LOCK);
    expect(result.problems).toHaveLength(3);
  });

  it("reads only: stat, readdir and readFile, and the tree is unchanged", async () => {
    const backend = load("crashed");
    backend.put(`by_id/${LOCKED}/.lock`, "", LONG_AGO);
    const before = backend.snapshot();
    await verifyStore(backend);
    expect(backend.snapshot()).toEqual(before);
    const ops = new Set(backend.calls.map((call) => call.split(" ")[0]));
    expect([...ops].sort()).toEqual(["readFile", "readdir", "stat"]);
  });
});
