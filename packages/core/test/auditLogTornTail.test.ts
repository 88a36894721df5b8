import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { encodeAuditLine } from "../src/durable/auditLine.js";
import { parseAuditLog, parseAuditLogYielding } from "../src/durable/parseAuditLog.js";
import { EMPTY_SHA256 } from "../src/util/hash.js";

/**
 * What a crash can leave of a torn append (docs/FORMAT.md, "Reading a log"): the lines of the
 * write before the tear, then a prefix of one line, then past the tear nothing, zeros or random
 * bytes (which may hold newline bytes). All of it past the last accepted line is the torn tail;
 * damage with a record after it is corruption in the middle, reported and never cut.
 */

const enc = new TextEncoder();
const NL = 0x0a;

function event(n: number): Record<string, unknown> {
  return {
    action_id: `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`,
    report_id: "50a74cff-026f-4c84-aa8f-f5f8d837115f",
    ts: "2026-03-01T10:12:10Z",
    actor: "agent",
    action_type: "evolve",
    payload: { n, note: "métrique — ✓" },
  };
}

/** `count` framed lines chained from the start, as bytes each. */
function framed(count: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  let prev = EMPTY_SHA256;
  for (let i = 0; i < count; i++) {
    const { text, hash } = encodeAuditLine(event(i), prev);
    out.push(enc.encode(text));
    prev = hash;
  }
  return out;
}

function join(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/** `line` torn after `keep` bytes, the rest of its length filled with `fill`. */
function torn(line: Uint8Array, keep: number, fill: ArrayLike<number>): Uint8Array {
  const out = line.slice();
  for (let i = keep; i < line.byteLength; i++) out[i] = fill[(i - keep) % fill.length]!;
  return out;
}

/** Random bytes with newlines and invalid UTF-8 among them (no NUL: not zeros). */
const GARBAGE = [0xff, 0x7b, NL, 0xc3, 0x28, 0x22, 0x35, NL, 0x80, 0x41, 0xfe, 0x20];

/** Expects `bytes` to read as `lines` accepted lines, the rest a torn tail and no problem. */
function expectTornAfter(bytes: Uint8Array, lines: Uint8Array[]): void {
  const r = parseAuditLog(bytes);
  const valid = lines.reduce((n, l) => n + l.byteLength, 0);
  expect(r.problems).toEqual([]);
  expect(r.lines.map((l) => l.record)).toEqual(lines.map((_, i) => event(i)));
  expect(r.tornTail).toEqual({ offset: valid, length: bytes.byteLength - valid });
  expect(r.validBytes).toBe(valid);
  expect(r.tailHash).toBe(r.lines.at(-1)?.hash ?? EMPTY_SHA256);
}

describe("parseAuditLog: a torn append's tail, whatever fills it", () => {
  const [a, b, c] = framed(3) as [Uint8Array, Uint8Array, Uint8Array];

  it("zeros past the tear (no newline left at all), from the first byte or later", () => {
    expectTornAfter(join(a, b, torn(c, 0, [0])), [a, b]);
    expectTornAfter(join(a, b, torn(c, 40, [0])), [a, b]);
  });

  it("garbage without a newline", () => {
    expectTornAfter(join(a, b, torn(c, 40, [0xff, 0x41])), [a, b]);
  });

  it("garbage with stray newlines, ending with or without one", () => {
    const tail = torn(c, 40, GARBAGE);
    expect(tail.filter((x) => x === NL).length).toBeGreaterThan(2);
    expectTornAfter(join(a, b, tail), [a, b]);
    const endsWithNewline = tail.slice();
    endsWithNewline[endsWithNewline.byteLength - 1] = NL;
    expectTornAfter(join(a, b, endsWithNewline), [a, b]);
    // The whole write garbage (torn at its first byte), split into lines.
    expectTornAfter(join(a, b, torn(c, 0, GARBAGE)), [a, b]);
  });

  it("invalid UTF-8 lines, and a stray newline splitting off a bare number (random bytes can make one)", () => {
    expectTornAfter(join(a, torn(b, 20, [0xc3, 0x28, NL, 0xff, NL])), [a]);
    expectTornAfter(join(a, torn(b, 20, [NL, 0x37, NL, 0x80])), [a]);
    expect(parseAuditLog(join(a, torn(b, 20, [NL, 0x37, NL, 0x80]))).tornTail?.offset).toBe(a.byteLength);
  });

  it("the first line torn: the whole log is tail", () => {
    expectTornAfter(torn(a, 10, GARBAGE), []);
  });

  it("after legacy lines (the Python module's plain JSON), which stay readable", () => {
    const legacy = enc.encode(`${JSON.stringify(event(0))}\n${JSON.stringify(event(1))}\n`);
    const before = parseAuditLog(legacy);
    const { text } = encodeAuditLine(event(2), before.tailHash);
    const r = parseAuditLog(join(legacy, torn(enc.encode(text), 30, GARBAGE)));
    expect(r.problems).toEqual([]);
    expect(r.lines.map((l) => [l.kind, l.record])).toEqual([
      ["legacy", event(0)],
      ["legacy", event(1)],
    ]);
    expect(r.tornTail).toEqual({ offset: legacy.byteLength, length: r.tornTail!.length });
    expect(r.tailHash).toBe(before.tailHash);
  });
});

describe("parseAuditLog: damage that is not a torn tail", () => {
  const [a, b, c] = framed(3) as [Uint8Array, Uint8Array, Uint8Array];

  it("garbage followed by a valid record is corruption in the middle: every line reported, nothing cut", () => {
    const damaged = torn(b, 40, GARBAGE);
    damaged[damaged.byteLength - 1] = NL;
    const lineCount = damaged.filter((x) => x === NL).length;
    const r = parseAuditLog(join(a, damaged, c));
    expect(r.tornTail).toBeNull();
    expect(r.validBytes).toBe(a.byteLength + damaged.byteLength + c.byteLength);
    expect(r.problems.map((p) => p.line)).toEqual(Array.from({ length: lineCount }, (_, i) => i + 2));
    expect(r.problems.map((p) => p.message)).toEqual(
      expect.arrayContaining([expect.stringMatching(/not valid UTF-8/)]),
    );
    expect(r.lines.map((l) => l.line)).toEqual([1, lineCount + 2]);
    expect(r.tailHash).toBe(r.lines.at(-1)!.hash);
  });

  it("zeros followed by a valid record is corruption too", () => {
    const r = parseAuditLog(join(a, torn(b, 40, [0]), enc.encode("\n"), c));
    expect(r.tornTail).toBeNull();
    expect(r.problems.map((p) => p.line)).toEqual([2]);
  });

  it("a last line that parses as a JSON object or array but does not verify was altered, not torn", () => {
    const altered = enc.encode(new TextDecoder().decode(c).replace('"n":2', '"n":7'));
    for (const last of [altered, enc.encode("[1,2]\n"), enc.encode('{"a":1} \n')]) {
      const r = parseAuditLog(join(a, b, last));
      expect(r.tornTail).toBeNull();
      expect(r.problems.length).toBeGreaterThan(0);
    }
  });

  it("two damaged records at the end (the second ends with its checksum) are not one torn append", () => {
    const first = join(torn(b, 40, [0xff]).subarray(0, 60), enc.encode("\n"));
    // A page in the middle of the record lost (zeros), its end (checksum and newline) intact.
    const second = join(torn(c, 30, [0]).subarray(0, c.byteLength - 80), c.subarray(-80));
    const r = parseAuditLog(join(a, first, second));
    expect(r.tornTail).toBeNull();
    expect(r.problems.map((p) => p.line)).toEqual([2, 3]);
    // The second alone (the first line past the last record) reads as a torn append: pages of
    // one write that reached the disk out of order.
    expect(parseAuditLog(join(a, b, second))).toMatchObject({
      problems: [],
      tornTail: { offset: a.byteLength + b.byteLength },
    });
  });

  it("text written by hand past the last record is not a torn append", () => {
    const framedText = new TextDecoder().decode(join(a, b));
    const pretty = `${JSON.stringify({ action_id: "x", note: "added by hand" }, null, 2)}\n`;
    for (const text of ["this is not\na log at all\n", pretty, `{"action_id":"bro\nken by hand, a note\n`]) {
      for (const before of ["", framedText]) {
        const r = parseAuditLog(enc.encode(before + text));
        expect(r.tornTail, JSON.stringify(text)).toBeNull();
        expect(r.problems.length).toBeGreaterThan(0);
      }
    }
    // A blank line, or a short one, holds nothing to lose and is cut as before.
    for (const text of ["\n", "\n\n", "oops\n", "{\n"])
      expect(parseAuditLog(enc.encode(framedText + text)).tornTail).toEqual({
        offset: a.byteLength + b.byteLength,
        length: text.length,
      });
  });

  it("in a log damaged elsewhere, unreadable last lines are problems; only a partial last line is a tail", () => {
    const middle = torn(a, 30, [0xff, NL]);
    const tail = torn(c, 40, GARBAGE);
    tail[tail.byteLength - 1] = 0x41;
    const bytes = join(middle, b, tail);
    const r = parseAuditLog(bytes);
    expect(r.problems.length).toBeGreaterThan(1);
    expect(r.problems[0]!.line).toBe(1);
    const lastNewline = bytes.lastIndexOf(NL);
    expect(r.tornTail).toEqual({ offset: lastNewline + 1, length: bytes.byteLength - lastNewline - 1 });
  });
});

describe("parseAuditLog: torn appends, any tear and fill (properties)", () => {
  const lines = framed(4);
  const ends = lines.map((_, i) => lines.slice(0, i + 1).reduce((n, l) => n + l.byteLength, 0));
  // Random bytes, with more newlines than random (1 in 16). No closing bracket: random bytes that
  // end a line with one can (very rarely) make it parse as JSON, which reads as an altered record.
  // At least 32 of them (repeated to the write's length): fewer, repeated, are not random.
  const byteArb = fc.integer({ min: 0, max: 255 }).filter((x) => x !== 0x7d && x !== 0x5d);
  const fillArb = fc.oneof(
    fc.constant<readonly number[]>([]),
    fc.constant<readonly number[]>([0]),
    fc.array(fc.oneof({ arbitrary: fc.constant(NL), weight: 1 }, { arbitrary: byteArb, weight: 15 }), {
      minLength: 32,
      maxLength: 1200,
    }),
  );
  /** The write's bytes after a tear at `keep`: `cut` (empty fill) ends there, a fill covers the rest. */
  const tear = (write: Uint8Array, keep: number, fill: readonly number[]) =>
    fill.length === 0 ? write.subarray(0, keep) : torn(write, keep, fill);
  const same = (x: Uint8Array, y: Uint8Array) =>
    x.byteLength === y.byteLength && x.every((v, i) => v === y[i]);

  test.prop([fc.integer({ min: 1, max: 3 }), fc.nat(), fillArb])(
    "the last append (one line or a group commit) torn at any byte: its earlier lines and a torn tail",
    (batch, keepSeed, fill) => {
      const before = lines.slice(0, lines.length - batch);
      const write = join(...lines.slice(lines.length - batch));
      const left = tear(write, keepSeed % write.byteLength, fill);
      fc.pre(!same(left, write));
      const bytes = join(...before, left);
      const r = parseAuditLog(bytes);
      expect(r.problems).toEqual([]);
      const accepted = r.lines.length;
      expect(accepted).toBeGreaterThanOrEqual(before.length);
      expect(accepted).toBeLessThan(lines.length);
      expect(r.lines.map((l) => l.record)).toEqual(lines.slice(0, accepted).map((_, i) => event(i)));
      expect(r.validBytes).toBe(accepted === 0 ? 0 : ends[accepted - 1]);
      // Cut at its first byte, the write left nothing: no tail.
      const tail = bytes.byteLength - r.validBytes;
      expect(r.tornTail).toEqual(tail === 0 ? null : { offset: r.validBytes, length: tail });
    },
  );

  test.prop([fc.nat(), fillArb])(
    "a torn line with a record after it is reported, never cut",
    (keepSeed, fill) => {
      const [a, b, c] = lines as [Uint8Array, Uint8Array, Uint8Array];
      const left = tear(b, keepSeed % b.byteLength, fill);
      fc.pre(!same(left, b));
      const r = parseAuditLog(join(a, left, c));
      expect(r.tornTail).toBeNull();
      expect(r.problems.length).toBeGreaterThan(0);
      expect(r.lines.at(-1)!.record).toEqual(event(2));
    },
  );

  test.prop([fc.nat(), fillArb, fc.integer({ min: 1, max: 4096 })])(
    "the sliced parse (any slice size) finds the same as the plain parse",
    async (keepSeed, fill, slice) => {
      const [a, b, c] = lines as [Uint8Array, Uint8Array, Uint8Array];
      const left = tear(b, keepSeed % b.byteLength, fill);
      for (const bytes of [join(a, left), join(a, left, c)])
        expect(await parseAuditLogYielding(bytes, slice)).toEqual(parseAuditLog(bytes));
    },
  );
});
