import { fc, test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import { encodeAuditLine } from "../src/durable/auditLine.js";
import { parseAuditLog } from "../src/durable/parseAuditLog.js";
import { EMPTY_SHA256 } from "../src/util/hash.js";

const enc = new TextEncoder();

const recordArb = fc.record({
  action_id: fc.uuid(),
  note: fc.string({ unit: "grapheme", maxLength: 20 }),
  n: fc.integer(),
});

/** Encodes records as a chained log; returns its bytes and the byte offset where each line ends. */
function encodeLog(records: Record<string, unknown>[]): { bytes: Uint8Array; ends: number[] } {
  let prev = EMPTY_SHA256;
  let text = "";
  const ends: number[] = [];
  for (const r of records) {
    const line = encodeAuditLine(r, prev);
    prev = line.hash;
    text += line.text;
    ends.push(enc.encode(text).byteLength);
  }
  return { bytes: enc.encode(text), ends };
}

describe("parseAuditLog properties", () => {
  test.prop([fc.array(recordArb, { minLength: 1, maxLength: 6 }), fc.nat()])(
    "a log cut at any byte reads as its complete lines plus a torn tail, with no problem",
    (records, cutSeed) => {
      const { bytes, ends } = encodeLog(records);
      const cut = cutSeed % (bytes.byteLength + 1);
      const r = parseAuditLog(bytes.subarray(0, cut));
      const complete = ends.filter((end) => end <= cut).length;
      expect(r.problems).toEqual([]);
      expect(r.lines.map((l) => l.record)).toEqual(records.slice(0, complete));
      expect(r.validBytes).toBe(complete === 0 ? 0 : ends[complete - 1]);
      expect(r.tornTail === null).toBe(cut === r.validBytes);
    },
  );

  test.prop([
    fc.array(recordArb, { minLength: 2, maxLength: 5 }),
    fc.nat(),
    fc.integer({ min: 1, max: 255 }),
  ])("changing any byte is never read as a clean log", (records, atSeed, xor) => {
    const { bytes } = encodeLog(records);
    const damaged = bytes.slice();
    const at = atSeed % damaged.byteLength;
    damaged[at] = damaged[at]! ^ xor;
    const r = parseAuditLog(damaged);
    expect(r.problems.length > 0 || r.tornTail !== null).toBe(true);
  });

  test.prop([fc.array(recordArb, { minLength: 3, maxLength: 6 }), fc.nat()])(
    "removing any line but the last is reported as a chain break",
    (records, seed) => {
      const { bytes, ends } = encodeLog(records);
      const i = seed % (records.length - 1);
      const start = i === 0 ? 0 : ends[i - 1]!;
      const without = new Uint8Array([...bytes.subarray(0, start), ...bytes.subarray(ends[i]!)]);
      const r = parseAuditLog(without);
      expect(r.problems).toEqual([expect.objectContaining({ line: i + 1, code: "CORRUPT_LOG" })]);
    },
  );
});
