import { describe, expect, it } from "vitest";
import { EMPTY_SHA256, encodeAuditLine, parseAuditLog, parseAuditLogYielding } from "../src/durable/index.js";

/** A framed log of `count` lines, with a torn tail when `torn`. */
function log(count: number, torn: boolean): Uint8Array {
  let prev = EMPTY_SHA256;
  let text = "";
  for (let i = 0; i < count; i++) {
    const record = {
      action_id: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
      report_id: "0d9c8b7a-6f5e-4d3c-9b2a-1f0e9d8c7b6a",
      ts: "2026-12-04T00:00:00.000Z",
      actor: "cli",
      action_type: "rename",
      payload: { old_title: "a", new_title: "b", outline_version: i + 2 },
      outline_sha256: EMPTY_SHA256,
    };
    const encoded = encodeAuditLine(record, prev);
    prev = encoded.hash;
    text += encoded.text;
  }
  if (torn) text += '{"action_id":"xxxxxxxx';
  return new TextEncoder().encode(text);
}

describe("parseAuditLogYielding", () => {
  it("gives the event loop a turn between slices of a long log (a lock refresh timer is not starved)", async () => {
    const bytes = log(400, false);
    let turnTaken = false;
    setImmediate(() => {
      turnTaken = true;
    });
    const yielding = parseAuditLogYielding(bytes, 4096).then((r) => ({ r, turnTaken }));
    const result = await yielding;
    expect(result.turnTaken, "a macrotask ran while the log was checked").toBe(true);
    expect(result.r).toEqual(parseAuditLog(bytes));
    expect(result.r.lines).toHaveLength(400);
  });

  it("the synchronous parse gives no turn: the difference the slices make", async () => {
    const bytes = log(400, false);
    let turnTaken = false;
    setImmediate(() => {
      turnTaken = true;
    });
    const seen = await Promise.resolve().then(() => {
      parseAuditLog(bytes);
      return turnTaken;
    });
    expect(seen).toBe(false);
  });

  it("finds the same torn tail, problems and chain as the synchronous parse", async () => {
    const bytes = log(50, true);
    const expected = parseAuditLog(bytes);
    expect(expected.tornTail).not.toBeNull();
    expect(await parseAuditLogYielding(bytes, 1000)).toEqual(expected);
    expect(await parseAuditLogYielding(new Uint8Array(0))).toEqual(parseAuditLog(new Uint8Array(0)));
  });
});
