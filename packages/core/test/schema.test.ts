import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ErrorCode } from "../src/errors/errorCodes.js";
import { LivingReportsError } from "../src/errors/livingReportsError.js";
import {
  AuditEventSchema,
  assertReportId,
  CitationSchema,
  DatasetSourceSchema,
  IndexEntrySchema,
  InsightSchema,
  isReportId,
  OutlineSchema,
  parseOutlineBytes,
  ReportIdSchema,
  SectionSchema,
  serializeOutline,
  TimestampSchema,
  validateOutline,
} from "../src/schema/index.js";

const FIXTURES = join(import.meta.dirname, "../../../test-fixtures/legacy-python");
const REPORT = "50a74cff-026f-4c84-aa8f-f5f8d837115f";
const enc = new TextEncoder();

function storeFiles(store: string): { outlines: string[]; audits: string[] } {
  const outlines: string[] = [];
  const audits: string[] = [];
  for (const id of readdirSync(join(FIXTURES, store, "by_id"))) {
    const dir = join(FIXTURES, store, "by_id", id);
    outlines.push(join(dir, "outline.json"));
    for (const b of readdirSync(join(dir, "backups"))) outlines.push(join(dir, "backups", b));
    audits.push(join(dir, "audit.jsonl"));
  }
  return { outlines, audits };
}

function minimalOutline(): Record<string, unknown> {
  return {
    report_id: REPORT,
    title: "T",
    created_at: "2026-03-01T09:07:13+00:00",
    updated_at: "2026-03-01T09:07:13Z",
  };
}

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(LivingReportsError);
    return (err as LivingReportsError).code;
  }
  return undefined;
}

describe("schemas load the Python fixtures", () => {
  for (const store of ["clean", "crashed"]) {
    it(`every outline and backup of ${store}/ parses and re-serialises byte for byte`, () => {
      const { outlines } = storeFiles(store);
      expect(outlines.length).toBeGreaterThan(10);
      for (const file of outlines) {
        const bytes = readFileSync(file);
        const outline = parseOutlineBytes(bytes, {}, file);
        expect(new TextDecoder().decode(serializeOutline(outline))).toBe(bytes.toString("utf8"));
      }
    });

    it(`every index line of ${store}/ validates`, () => {
      const lines = readFileSync(join(FIXTURES, store, "index.jsonl"), "utf8")
        .split("\n")
        .filter(Boolean);
      for (const line of lines) expect(IndexEntrySchema.parse(JSON.parse(line)).path).toMatch(/^by_id\//);
    });
  }

  it("every complete audit line of clean/ is an AuditEvent", () => {
    for (const file of storeFiles("clean").audits) {
      for (const line of readFileSync(file, "utf8").split("\n").filter(Boolean)) {
        const event = AuditEventSchema.parse(JSON.parse(line));
        expect(event.request_id).toBeNull();
      }
    }
  });
});

describe("OutlineSchema", () => {
  it("fills the docs/FORMAT.md#data-model defaults", () => {
    const o = OutlineSchema.parse({
      ...minimalOutline(),
      sections: [{ section_id: "d7bfc82d-73d9-4869-9fdd-b5fef1217709", title: "S", order: 0 }],
      insights: [{ insight_id: "2e7abed5-658e-430d-8569-80bb0977e471", importance: 3, summary: "x" }],
    });
    expect(o).toMatchObject({ version: "1.0", outline_version: 1, metadata: {} });
    expect(o.sections[0]).toMatchObject({ insight_ids: [], content_format: "markdown", metadata: {} });
    expect(o.insights[0]).toMatchObject({
      status: "active",
      supporting_queries: [],
      citations: [],
      draft_changes: null,
      metadata: {},
    });
  });

  it("accepts null for optional fields, as Python writes them", () => {
    expect(
      SectionSchema.parse({ section_id: REPORT, title: "S", order: 0, notes: null, content: null }).notes,
    ).toBeNull();
    expect(CitationSchema.parse({ source: "url", url: null, page: null }).url).toBeNull();
    expect(DatasetSourceSchema.parse({ schema: null, role: "r" })).toEqual({
      schema: null,
      role: "r",
      cache_only: false,
    });
  });

  it("rejects unknown keys at every level", () => {
    expect(OutlineSchema.safeParse({ ...minimalOutline(), extra: 1 }).success).toBe(false);
    expect(SectionSchema.safeParse({ section_id: REPORT, title: "S", order: 0, x: 1 }).success).toBe(false);
    expect(InsightSchema.safeParse({ insight_id: REPORT, importance: 1, summary: "s", x: 1 }).success).toBe(
      false,
    );
    expect(CitationSchema.safeParse({ source: "url", x: 1 }).success).toBe(false);
    expect(DatasetSourceSchema.safeParse({ db_schema: "s" }).success).toBe(false);
  });

  it("rejects out-of-range and empty values", () => {
    expect(OutlineSchema.safeParse({ ...minimalOutline(), title: "" }).success).toBe(false);
    expect(OutlineSchema.safeParse({ ...minimalOutline(), outline_version: 0 }).success).toBe(false);
    expect(OutlineSchema.safeParse({ ...minimalOutline(), outline_version: 1.5 }).success).toBe(false);
    expect(InsightSchema.safeParse({ insight_id: REPORT, importance: 11, summary: "s" }).success).toBe(false);
    expect(
      InsightSchema.safeParse({ insight_id: REPORT, importance: 1, summary: "s", status: "x" }).success,
    ).toBe(false);
    expect(SectionSchema.safeParse({ section_id: REPORT, title: "S", order: -1 }).success).toBe(false);
    expect(CitationSchema.safeParse({ source: "blog" }).success).toBe(false);
  });
});

describe("ids and timestamps", () => {
  it("report ids are canonical lowercase UUIDs", () => {
    expect(ReportIdSchema.safeParse(REPORT).success).toBe(true);
    for (const bad of [
      REPORT.toUpperCase(),
      `{${REPORT}}`,
      REPORT.replaceAll("-", ""),
      "../etc",
      "",
      `${REPORT} `,
    ])
      expect(ReportIdSchema.safeParse(bad).success).toBe(false);
    expect(isReportId(REPORT)).toBe(true);
    expect(isReportId(42)).toBe(false);
  });

  it("assertReportId throws INVALID_ID carrying the id", () => {
    expect(assertReportId(REPORT)).toBe(REPORT);
    try {
      assertReportId("../../x");
      expect.unreachable();
    } catch (err) {
      expect(err).toMatchObject({ code: ErrorCode.INVALID_ID, id: "../../x" });
    }
  });

  it("section and insight ids must be UUIDs", () => {
    expect(SectionSchema.safeParse({ section_id: "s1", title: "S", order: 0 }).success).toBe(false);
    expect(InsightSchema.safeParse({ insight_id: "i1", importance: 1, summary: "s" }).success).toBe(false);
  });

  it("timestamps need an offset: +00:00 and Z both pass", () => {
    for (const ok of [
      "2026-03-01T10:12:10+00:00",
      "2026-03-01T10:12:10.123456+00:00",
      "2026-03-01T10:12:10Z",
    ])
      expect(TimestampSchema.safeParse(ok).success).toBe(true);
    for (const bad of ["2026-03-01T10:12:10", "2026-03-01", "yesterday"])
      expect(TimestampSchema.safeParse(bad).success).toBe(false);
  });

  it("audit events and index entries are strict", () => {
    const event = {
      action_id: REPORT,
      report_id: REPORT,
      ts: "2026-03-01T10:12:10Z",
      actor: "cli",
      action_type: "evolve",
    };
    expect(AuditEventSchema.parse(event).payload).toEqual({});
    expect(AuditEventSchema.safeParse({ ...event, outline_sha256: "a".repeat(64) }).success).toBe(true);
    expect(AuditEventSchema.safeParse({ ...event, prev: "a".repeat(64) }).success).toBe(false);
    expect(AuditEventSchema.safeParse({ ...event, action_type: "explode" }).success).toBe(false);
    expect(AuditEventSchema.safeParse({ ...event, actor: "robot" }).success).toBe(false);
    const entry = {
      report_id: REPORT,
      current_title: "T",
      created_at: "2026-03-01T10:12:10Z",
      updated_at: "2026-03-01T10:12:10Z",
      path: `by_id/${REPORT}`,
    };
    expect(IndexEntrySchema.parse(entry)).toMatchObject({ tags: [], status: "active" });
    expect(IndexEntrySchema.safeParse({ ...entry, path: "by_id/../x" }).success).toBe(false);
    expect(IndexEntrySchema.safeParse({ ...entry, status: "gone" }).success).toBe(false);
  });
});

describe("parseOutlineBytes", () => {
  const good = enc.encode(JSON.stringify(minimalOutline()));

  it("refuses on byte length before parsing (TOO_LARGE)", () => {
    const junk = new Uint8Array(101).fill(0xff);
    expect(codeOf(() => parseOutlineBytes(junk, { maxBytes: 100 }))).toBe(ErrorCode.TOO_LARGE);
    expect(codeOf(() => parseOutlineBytes(good, { maxBytes: good.byteLength }))).toBeUndefined();
    expect(codeOf(() => parseOutlineBytes(good, { maxBytes: good.byteLength - 1 }))).toBe(
      ErrorCode.TOO_LARGE,
    );
  });

  it("refuses a million-deep input as TOO_DEEP without overflowing the stack", () => {
    const deep = enc.encode(`${"[".repeat(1_000_000)}${"]".repeat(1_000_000)}`);
    expect(codeOf(() => parseOutlineBytes(deep))).toBe(ErrorCode.TOO_DEEP);
  });

  it("counts depth so that 64 levels pass and 65 fail by default", () => {
    const nest = (n: number): string => `${"[".repeat(n - 2)}${"]".repeat(n - 2)}`;
    const at = (n: number) =>
      enc.encode(JSON.stringify({ ...minimalOutline(), metadata: { x: "HOLE" } }).replace('"HOLE"', nest(n)));
    expect(codeOf(() => parseOutlineBytes(at(64)))).toBeUndefined();
    expect(codeOf(() => parseOutlineBytes(at(65)))).toBe(ErrorCode.TOO_DEEP);
  });

  it("ignores brackets inside strings when counting depth", () => {
    const text = JSON.stringify({ ...minimalOutline(), title: `${"[{".repeat(100)}\\"` });
    expect(parseOutlineBytes(enc.encode(text), { maxDepth: 2 }).title).toContain("[{[{");
  });

  it("reports invalid UTF-8 as CORRUPT_FILE", () => {
    const bad = Uint8Array.from([...good.subarray(0, 20), 0xc3, 0x28, ...good.subarray(20)]);
    expect(codeOf(() => parseOutlineBytes(bad, {}, "by_id/x/outline.json"))).toBe(ErrorCode.CORRUPT_FILE);
  });

  it("reports bad JSON and schema violations as INVALID_OUTLINE with the path and the issue", () => {
    try {
      parseOutlineBytes(enc.encode("{"), {}, "by_id/x/outline.json");
      expect.unreachable();
    } catch (err) {
      expect(err).toMatchObject({ code: ErrorCode.INVALID_OUTLINE, path: "by_id/x/outline.json" });
    }
    const noTitle = { ...minimalOutline(), sections: [{ section_id: REPORT, title: "", order: 0 }] };
    try {
      parseOutlineBytes(enc.encode(JSON.stringify(noTitle)), {}, "p");
      expect.unreachable();
    } catch (err) {
      expect(err).toMatchObject({ code: ErrorCode.INVALID_OUTLINE, path: "p" });
      expect((err as Error).message).toContain("sections.0.title");
    }
  });
});

describe("validateOutline", () => {
  it("validates caller input and fills defaults", () => {
    expect(validateOutline(minimalOutline()).outline_version).toBe(1);
    expect(codeOf(() => validateOutline({ ...minimalOutline(), title: 7 }))).toBe(ErrorCode.INVALID_OUTLINE);
  });

  it("refuses deep and cyclic values as TOO_DEEP", () => {
    let deep: unknown = {};
    for (let i = 0; i < 100_000; i++) deep = { d: deep };
    expect(
      codeOf(() => validateOutline({ ...minimalOutline(), metadata: deep as Record<string, unknown> })),
    ).toBe(ErrorCode.TOO_DEEP);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(codeOf(() => validateOutline({ ...minimalOutline(), metadata: cyclic }))).toBe(ErrorCode.TOO_DEEP);
  });

  it("refuses an outline whose serialised form is over maxBytes", () => {
    const big = { ...minimalOutline(), title: "x".repeat(1000) };
    expect(codeOf(() => validateOutline(big, { maxBytes: 500 }))).toBe(ErrorCode.TOO_LARGE);
  });
});

describe("free JSON records (metadata, payload) keep input exactly or refuse it", () => {
  const base = () => ({ ...minimalOutline(), metadata: {} });

  it("refuses a number JSON cannot hold (1e400 parses to Infinity) with INVALID_OUTLINE naming its path", () => {
    const text = JSON.stringify({ ...base(), metadata: { k: 1 } }).replace('"k":1', '"k":1e400');
    expect(codeOf(() => parseOutlineBytes(enc.encode(text)))).toBe(ErrorCode.INVALID_OUTLINE);
    expect(() => parseOutlineBytes(enc.encode(text))).toThrow(/metadata\.k/);
    for (const bad of [Number.NaN, -Infinity, 10n]) {
      expect(OutlineSchema.safeParse({ ...base(), metadata: { deep: [{ x: bad }] } }).success).toBe(false);
    }
    expect(
      SectionSchema.safeParse({
        section_id: REPORT,
        title: "s",
        order: 0,
        insight_ids: [],
        metadata: { n: Infinity },
      }).success,
    ).toBe(false);
  });

  it("keeps a `__proto__` key as an own key, never as a prototype, through parse and serialize", () => {
    const text = JSON.stringify(base()).replace(
      '"metadata":{}',
      '"metadata":{"__proto__":{"polluted":true},"k":1}',
    );
    const outline = parseOutlineBytes(enc.encode(text));
    expect(Object.hasOwn(outline.metadata, "__proto__")).toBe(true);
    expect(Object.getPrototypeOf(outline.metadata)).toBe(Object.prototype);
    expect((outline.metadata as { polluted?: unknown }).polluted).toBeUndefined();
    expect(new TextDecoder().decode(serializeOutline(outline))).toContain('"__proto__"');
  });
});
