import { describe, expect, it } from "vitest";
import type { IndexEntry, Outline } from "../src/schema/index.js";
import { describeChange } from "../src/store/audit/outlineChange.js";
import { parseIndexChunk } from "../src/store/index/indexLines.js";
import { resolveAmong } from "../src/store/reads/resolveReport.js";

const ID_A = "0b9a3c1e-5d2f-4a8b-9c7d-6e5f4a3b2c1d";
const ID_B = "1b9a3c1e-5d2f-4a8b-9c7d-6e5f4a3b2c1d";

function entry(id: string, title: string, status: IndexEntry["status"] = "active"): IndexEntry {
  const at = "2026-03-01T09:07:13+00:00";
  return {
    report_id: id,
    current_title: title,
    created_at: at,
    updated_at: at,
    tags: [],
    status,
    path: `by_id/${id}`,
  };
}

const base: Outline = {
  report_id: ID_A,
  title: "T",
  created_at: "2026-03-01T09:07:13+00:00",
  updated_at: "2026-03-01T09:07:13+00:00",
  version: "1.0",
  outline_version: 1,
  sections: [],
  insights: [],
  metadata: { tags: ["a"] },
};

describe("resolveAmong", () => {
  const entries = [
    entry(ID_A, "Revenue Q1"),
    entry(ID_B, "Revenue Q2"),
    entry(ID_B.replace("1b", "2b"), "Gone", "deleted"),
  ];
  it("prefers an exact id, then an exact title, then a unique partial title or id prefix", () => {
    expect(resolveAmong(entries, ID_B)).toBe(ID_B);
    expect(resolveAmong(entries, "Revenue Q1")).toBe(ID_A);
    expect(resolveAmong(entries, "q2")).toBe(ID_B);
    expect(resolveAmong(entries, "0b9a")).toBe(ID_A);
  });
  it("names the candidates when ambiguous and skips tombstones", () => {
    expect(() => resolveAmong(entries, "revenue")).toThrow(expect.objectContaining({ code: "AMBIGUOUS" }));
    expect(() => resolveAmong(entries, "Gone")).toThrow(expect.objectContaining({ code: "NOT_FOUND" }));
  });
});

describe("describeChange", () => {
  it("infers the action a cut commit was", () => {
    expect(describeChange(base, { ...base, title: "U", outline_version: 2 }).action).toBe("rename");
    expect(describeChange(base, { ...base, metadata: { tags: ["b"] } })).toEqual({
      action: "tag_update",
      payload: { tags_added: ["b"], tags_removed: ["a"], final_tags: ["b"] },
    });
    expect(describeChange(base, { ...base, metadata: { ...base.metadata, status: "archived" } }).action).toBe(
      "archive",
    );
    expect(describeChange(base, { ...base, title: "U", metadata: {} }).action).toBe("evolve");
  });
});

describe("parseIndexChunk", () => {
  it("consumes complete lines only and reports bad ones by number", () => {
    const good = JSON.stringify(entry(ID_A, "A"));
    const text = `${good}\nnot json\n${good.slice(0, 20)}`;
    const chunk = parseIndexChunk(new TextEncoder().encode(text), 5);
    expect(chunk.entries).toHaveLength(1);
    expect(chunk.problems.map((p) => p.line)).toEqual([6]);
    expect(chunk.consumed).toBe(good.length + "not json".length + 2);
  });
});
