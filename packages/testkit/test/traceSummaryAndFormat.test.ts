import { describe, expect, it } from "vitest";
import { formatEvent, formatTrace } from "../src/trace/formatTrace.js";
import { summarizeTrace } from "../src/trace/summarizeTrace.js";
import { TRACE_OPS, type TraceEvent } from "../src/trace/traceEvent.js";

const bytes = (s: string) => new TextEncoder().encode(s);

const trace: TraceEvent[] = [
  { seq: 0, op: "open", path: "a/b.json", handle: 2, args: { mode: "wx" }, result: "ok" },
  {
    seq: 1,
    op: "write",
    path: "a/b.json",
    handle: 2,
    args: { data: bytes("hello\n"), position: 0 },
    result: "ok",
    bytes: 6,
  },
  { seq: 2, op: "sync", path: "a/b.json", handle: 2, args: {}, result: "FSYNC_FAILED" },
  { seq: 3, op: "rename", path: "a/t", args: { to: "a/b.json" }, result: "ok" },
  {
    seq: 4,
    op: "write",
    path: "a/b.json",
    handle: 2,
    args: { data: new Uint8Array(40).fill(0x41) },
    result: "ok",
    bytes: 40,
  },
  { seq: 5, op: "utimes", path: "x", args: { mtimeMs: 5 }, result: "NOT_FOUND" },
];

describe("summarizeTrace", () => {
  it("counts every op (0 when absent), the total and the failures", () => {
    const summary = summarizeTrace(trace);
    for (const op of TRACE_OPS) expect(summary[op], op).toBe(trace.filter((e) => e.op === op).length);
    expect(summary.write).toBe(2);
    expect(summary.datasync).toBe(0);
    expect(summary.total).toBe(6);
    expect(summary.failed).toBe(2);
  });

  it("summarises an empty trace as all zeros", () => {
    const summary = summarizeTrace([]);
    expect(Object.values(summary).every((n) => n === 0)).toBe(true);
  });
});

describe("formatTrace", () => {
  it("prints one readable line per event", () => {
    expect(formatTrace(trace).split("\n")).toEqual([
      '#0 open h2 "a/b.json" wx => ok',
      '#1 write h2 "a/b.json" @0 [6 B "hello."] => ok (6 B)',
      '#2 sync h2 "a/b.json" => FSYNC_FAILED',
      '#3 rename "a/t" -> "a/b.json" => ok',
      `#4 write h2 "a/b.json" [40 B "${"A".repeat(24)}..."] => ok (40 B)`,
      '#5 utimes "x" mtime=5 => NOT_FOUND',
    ]);
  });

  it("prints nothing for an empty trace and the same line for a single event", () => {
    expect(formatTrace([])).toBe("");
    const [first] = trace;
    if (first !== undefined) expect(formatTrace([first])).toBe(formatEvent(first));
  });
});
