import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { encodeAuditLine } from "../src/durable/auditLine.js";
import { parseAuditLog } from "../src/durable/parseAuditLog.js";
import { AuditEventSchema } from "../src/schema/auditEvent.js";
import { EMPTY_SHA256, sha256Hex } from "../src/util/hash.js";

const FIXTURES = join(import.meta.dirname, "../../../test-fixtures/legacy-python");
const enc = new TextEncoder();

function event(n: number): Record<string, unknown> {
  return {
    action_id: `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`,
    report_id: "50a74cff-026f-4c84-aa8f-f5f8d837115f",
    ts: "2026-03-01T10:12:10Z",
    actor: "agent",
    action_type: "evolve",
    payload: { n, note: "métrique — ✓ \n newline" },
  };
}

/** The text of `count` framed lines, chained from the start. */
function framedLog(count: number, first = 0): string[] {
  const lines: string[] = [];
  let prev = EMPTY_SHA256;
  for (let i = first; i < first + count; i++) {
    const { text, hash } = encodeAuditLine(event(i), prev);
    lines.push(text);
    prev = hash;
  }
  return lines;
}

const parse = (text: string) => parseAuditLog(enc.encode(text));

describe("encodeAuditLine", () => {
  it("writes one line: the record, prev, then sha256 last", () => {
    const { text, hash } = encodeAuditLine(event(1), EMPTY_SHA256);
    expect(text.endsWith("\n")).toBe(true);
    expect(text.slice(0, -1)).not.toContain("\n");
    expect(Object.keys(JSON.parse(text))).toEqual([...Object.keys(event(1)), "prev", "sha256"]);
    expect(hash).toBe(sha256Hex(text));
  });

  it("round-trips through the parser", () => {
    const r = parse(framedLog(3).join(""));
    expect(r.problems).toEqual([]);
    expect(r.tornTail).toBeNull();
    expect(r.lines.map((l) => l.kind)).toEqual(["framed", "framed", "framed"]);
    expect(r.lines.map((l) => l.record)).toEqual([event(0), event(1), event(2)]);
    expect(r.tailHash).toBe(r.lines[2]!.hash);
  });

  it("can be verified by hand with sed and sha256sum", () => {
    const { text } = encodeAuditLine(event(1), EMPTY_SHA256);
    const dir = mkdtempSync(join(tmpdir(), "lr-audit-"));
    writeFileSync(join(dir, "audit.jsonl"), text);
    const script = `sed -n 1p audit.jsonl | sed -E 's/,"sha256":"[0-9a-f]{64}"}$/}/' | sha256sum`;
    const out = execFileSync("sh", ["-c", script], { cwd: dir, encoding: "utf8" });
    expect(out.slice(0, 64)).toBe(JSON.parse(text).sha256);
  });

  it("refuses integrity keys, non-objects and a bad prev", () => {
    expect(() => encodeAuditLine({ ...event(1), sha256: "x" }, EMPTY_SHA256)).toThrow(/integrity key/);
    expect(() => encodeAuditLine({ prev: "x" }, EMPTY_SHA256)).toThrow(/integrity key/);
    expect(() => encodeAuditLine([] as unknown as Record<string, unknown>, EMPTY_SHA256)).toThrow(
      /JSON object/,
    );
    expect(() => encodeAuditLine(event(1), "abc")).toThrow(/prevHash/);
    expect(() => encodeAuditLine({ n: 1n }, EMPTY_SHA256)).toThrow(/serialisable/);
  });
});

describe("parseAuditLog: integrity", () => {
  it("reads an empty log", () => {
    expect(parse("")).toEqual({
      lines: [],
      validBytes: 0,
      tornTail: null,
      problems: [],
      fenced: [],
      tailHash: EMPTY_SHA256,
    });
  });

  it("detects an altered middle line by its checksum and leaves it out", () => {
    const lines = framedLog(3);
    lines[1] = lines[1]!.replace('"n":1', '"n":7');
    const r = parse(lines.join(""));
    expect(r.problems).toEqual([expect.objectContaining({ line: 2, code: "CORRUPT_LOG" })]);
    expect(r.problems[0]!.message).toMatch(/checksum/);
    expect(r.lines.map((l) => l.line)).toEqual([1, 3]);
    expect(r.tornTail).toBeNull();
  });

  it("detects a removed line by the chain", () => {
    const lines = framedLog(4);
    lines.splice(1, 1);
    const r = parse(lines.join(""));
    expect(r.problems).toEqual([expect.objectContaining({ line: 2, code: "CORRUPT_LOG" })]);
    expect(r.problems[0]!.message).toMatch(/chain/);
    expect(r.lines).toHaveLength(3);
  });

  it("detects reordered and duplicated lines by the chain", () => {
    const lines = framedLog(3);
    expect(parse([lines[0], lines[2], lines[1]].join("")).problems.map((p) => p.line)).toEqual([2, 3]);
    expect(parse([lines[0], lines[1], lines[1], lines[2]].join("")).problems.map((p) => p.line)).toEqual([3]);
    expect(parse([lines[1], lines[2]].join("")).problems.map((p) => p.line)).toEqual([1]);
  });

  it("reports an unframed record after framed lines", () => {
    const text = `${framedLog(1).join("")}${JSON.stringify(event(9))}\n`;
    expect(parse(text).problems).toEqual([expect.objectContaining({ line: 2 })]);
  });

  it("reports malformed integrity fields", () => {
    const text = `${JSON.stringify({ ...event(1), prev: EMPTY_SHA256 })}\n${framedLog(1).join("")}`;
    const r = parse(text);
    expect(r.problems[0]).toMatchObject({ line: 1 });
    expect(r.problems[0]!.message).toMatch(/integrity/);
  });

  it("reports an empty or non-object line in the middle", () => {
    expect(parse(`\n${framedLog(1).join("")}`).problems[0]).toMatchObject({ line: 1 });
    expect(parse(`[1]\n${JSON.stringify(event(1))}\n`).problems[0]).toMatchObject({ line: 1 });
    expect(parse(`{"a":\xff}\n{}\n`).problems).toHaveLength(1);
  });
});

describe("parseAuditLog: torn tails", () => {
  it("a last line without a newline is torn and excluded from validBytes", () => {
    const lines = framedLog(3);
    const cut = lines[2]!.slice(0, 40);
    const r = parse(lines[0]! + lines[1]! + cut);
    expect(r.tornTail).toEqual({ offset: enc.encode(lines[0]! + lines[1]!).byteLength, length: 40 });
    expect(r.validBytes).toBe(r.tornTail!.offset);
    expect(r.problems).toEqual([]);
    expect(r.lines).toHaveLength(2);
    expect(r.tailHash).toBe(r.lines[1]!.hash);
  });

  it("a complete line without its newline is still torn (unacknowledged)", () => {
    const lines = framedLog(2);
    const r = parse(lines[0]! + lines[1]!.slice(0, -1));
    expect(r.tornTail).not.toBeNull();
    expect(r.lines).toHaveLength(1);
  });

  it("an unverifiable last line is torn, the same line in the middle is a problem", () => {
    const lines = framedLog(3);
    const garbage = `${lines[2]!.slice(0, 30)}\n`;
    expect(parse(lines[0]! + lines[1]! + garbage)).toMatchObject({ problems: [], tornTail: { length: 31 } });
    expect(parse(lines[0]! + garbage + lines[1]!).problems).toHaveLength(1);
  });

  it("a torn multi-byte character is torn, not a crash", () => {
    const line = `${JSON.stringify(event(1))}\n`;
    const bytes = enc.encode(line + line);
    const cut = bytes.subarray(0, bytes.byteLength - 30);
    const r = parseAuditLog(cut);
    expect(r.lines).toHaveLength(1);
    expect(r.tornTail).not.toBeNull();
  });
});

describe("parseAuditLog: glued records", () => {
  it("salvages a framed record glued after a torn fragment", () => {
    const lines = framedLog(3);
    const text = lines[0]! + lines[1]!.slice(0, 50) + lines[1]! + lines[2]!;
    const r = parse(text);
    expect(r.lines.map((l) => [l.line, l.kind])).toEqual([
      [1, "framed"],
      [2, "salvaged"],
      [3, "framed"],
    ]);
    expect(r.problems).toEqual([expect.objectContaining({ line: 2 })]);
    expect(r.problems[0]!.message).toMatch(/torn fragment of 50 bytes/);
    expect(r.lines[1]!.raw).toBe(lines[1]!.slice(0, -1));
    expect(r.lines[1]!.length).toBe(enc.encode(lines[1]!).byteLength + 50);
  });

  it("salvages a legacy record glued after a torn fragment, as the Python module leaves it", () => {
    const a = `${JSON.stringify(event(1))}\n`;
    const b = `${JSON.stringify(event(2))}\n`;
    const r = parse(a.slice(0, 60) + b);
    expect(r.lines).toEqual([expect.objectContaining({ kind: "salvaged", record: event(2), line: 1 })]);
    expect(r.problems).toHaveLength(1);
    expect(r.tornTail).toBeNull();
  });

  it("rewriting salvaged lines by raw keeps the chain (what repair does)", () => {
    const lines = framedLog(3);
    const r = parse(lines[0]! + lines[1]!.slice(0, 50) + lines[1]! + lines[2]!);
    const rewritten = r.lines.map((l) => `${l.raw}\n`).join("");
    expect(rewritten).toBe(lines.join(""));
    expect(parse(rewritten).problems).toEqual([]);
  });
});

describe("parseAuditLog: Python fixtures", () => {
  const read = (store: string, id: string) => readFileSync(join(FIXTURES, store, "by_id", id, "audit.jsonl"));

  it("clean logs are all legacy lines with no problem", () => {
    for (const id of ["50a74cff-026f-4c84-aa8f-f5f8d837115f", "b45bd900-1ede-4247-b679-0f4964403c6a"]) {
      const r = parseAuditLog(read("clean", id));
      expect(r.problems).toEqual([]);
      expect(r.tornTail).toBeNull();
      expect(r.lines.every((l) => l.kind === "legacy")).toBe(true);
      for (const l of r.lines) AuditEventSchema.parse(l.record);
    }
  });

  it("crashed/b45bd900: the render record glued onto a torn one is salvaged and reported", () => {
    const bytes = read("crashed", "b45bd900-1ede-4247-b679-0f4964403c6a");
    const r = parseAuditLog(bytes);
    expect(r.lines).toHaveLength(6);
    const last = r.lines[5]!;
    expect(last).toMatchObject({ line: 6, kind: "salvaged" });
    expect(last.record).toMatchObject({
      action_id: "fefaa6a1-28a0-4613-aab9-4b4261b274fb",
      action_type: "render",
    });
    AuditEventSchema.parse(last.record);
    expect(r.problems).toEqual([expect.objectContaining({ line: 6, code: "CORRUPT_LOG" })]);
    expect(r.tornTail).toBeNull();
    expect(r.validBytes).toBe(bytes.byteLength);
  });

  it("crashed/50a74cff: the torn last line is a torn tail, nothing else is touched", () => {
    const bytes = read("crashed", "50a74cff-026f-4c84-aa8f-f5f8d837115f");
    const r = parseAuditLog(bytes);
    expect(r.lines).toHaveLength(4);
    expect(r.problems).toEqual([]);
    expect(r.tornTail).toEqual({ offset: r.validBytes, length: bytes.byteLength - r.validBytes });
    expect(bytes[r.validBytes - 1]).toBe(0x0a);
  });

  it("a framed line appended after legacy lines chains to the last legacy line's bytes", () => {
    const legacy = read("clean", "50a74cff-026f-4c84-aa8f-f5f8d837115f");
    const before = parseAuditLog(legacy);
    expect(before.tailHash).toBe(
      sha256Hex(legacy.subarray(legacy.lastIndexOf(0x0a, legacy.byteLength - 2) + 1)),
    );
    const { text } = encodeAuditLine(event(1), before.tailHash);
    const r = parseAuditLog(Buffer.concat([legacy, enc.encode(text)]));
    expect(r.problems).toEqual([]);
    expect(r.lines.at(-1)!.kind).toBe("framed");
  });
});
