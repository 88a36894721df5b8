import {
  AuditLog,
  atomicReplace,
  dirname,
  isTempName,
  makeBackup,
  parseAuditLog,
} from "@living-reports/core";
import { describe, expect, it } from "vitest";
import { formatTrace } from "../trace/formatTrace.js";
import { recordTrace } from "../trace/recordTrace.js";
import { summarizeTrace } from "../trace/summarizeTrace.js";
import type { TraceEvent, TraceOp } from "../trace/traceEvent.js";
import { auditRecord } from "./support/auditRecord.js";
import { text, utf8 } from "./support/bytes.js";
import { makeDir, writeFile } from "./support/files.js";
import type { ConformanceTarget } from "./target.js";
import { titleOf, withRoot } from "./withRoot.js";

/** Calls that only look: they cost no durability and are left out of the budgets. */
const LOOKING: ReadonlySet<TraceOp> = new Set(["read", "readFile", "readdir", "stat"]);

/** The calls of a trace that change or sync something (or close a handle), in order. */
function acting(trace: readonly TraceEvent[]): TraceEvent[] {
  return trace.filter((event) => !LOOKING.has(event.op));
}

/**
 * Registers the syscall-budget tests (docs/BENCHMARKS.md#targets, docs/DESIGN.md) for `target`: through the trace
 * recorder, the durable primitives of core make exactly the backend calls their design promises
 * (an fsync too many costs throughput; one too few costs durability).
 */
export function describeSyscallBudget(target: ConformanceTarget): void {
  describe(titleOf(target, "syscall budget"), () => {
    it("atomicReplace: open wx temp, write, fsync, close, rename, directory fsync, nothing else", () =>
      withRoot(target, async (root) => {
        await makeDir(root.backend, "r", { durable: true });
        await writeFile(root.backend, "r/outline.json", "old", { durable: true });
        const { backend, trace } = recordTrace(root.backend);
        await atomicReplace(backend, "r/outline.json", utf8("new content"));
        const calls = acting(trace);
        const shape = calls.map((e) => e.op).join(" ");
        expect(shape, formatTrace(trace)).toMatch(/^open (write )+sync close rename syncDir$/);
        const [open] = calls;
        const rename = calls.at(-2);
        const syncDir = calls.at(-1);
        expect(open?.args.mode).toBe("wx");
        expect(isTempName(open?.path ?? ""), `temp name ${open?.path}`).toBe(true);
        expect(dirname(open?.path ?? "")).toBe("r");
        const handleCalls = calls.slice(1, -2);
        expect(handleCalls.every((e) => e.handle === open?.handle)).toBe(true);
        expect([rename?.path, rename?.args.to]).toEqual([open?.path, "r/outline.json"]);
        expect(syncDir?.path).toBe("r");
        expect(summarizeTrace(trace).datasync).toBe(0);
        expect(
          trace.every((e) => e.result === "ok"),
          formatTrace(trace),
        ).toBe(true);
        expect(text(await root.backend.readFile("r/outline.json"))).toBe("new content");
        expect(await root.backend.readdir("r")).toEqual(["outline.json"]);
      }));

    it("AuditLog.append on an open log: exactly one write and one datasync", () =>
      withRoot(target, async (root) => {
        await makeDir(root.backend, "r", { durable: true });
        const recording = recordTrace(root.backend);
        const log = new AuditLog(recording.backend, "r/audit.jsonl");
        await log.open();
        await log.append(auditRecord(1));
        recording.clear();
        await log.append(auditRecord(2));
        const shape = acting(recording.trace).map((e) => e.op);
        expect(shape, formatTrace(recording.trace)).toEqual(["write", "datasync"]);
        expect(recording.trace.every((e) => e.path === "r/audit.jsonl")).toBe(true);
        await log.close();
        expect(parseAuditLog(await root.backend.readFile("r/audit.jsonl")).lines).toHaveLength(2);
      }));

    it("concurrent AuditLog appends share datasyncs (group commit) and all land, in order", () =>
      withRoot(target, async (root) => {
        await makeDir(root.backend, "r", { durable: true });
        const recording = recordTrace(root.backend);
        const log = new AuditLog(recording.backend, "r/audit.jsonl");
        await log.open();
        await log.append(auditRecord(0));
        recording.clear();
        const n = 8;
        const lines = await Promise.all(Array.from({ length: n }, (_, i) => log.append(auditRecord(i + 1))));
        const summary = summarizeTrace(recording.trace);
        expect(summary.datasync, formatTrace(recording.trace)).toBeGreaterThanOrEqual(1);
        expect(summary.datasync, formatTrace(recording.trace)).toBeLessThan(n);
        expect(summary.write).toBeLessThanOrEqual(summary.datasync);
        expect(summary.sync + summary.open + summary.rename + summary.truncate).toBe(0);
        expect(lines.map((l) => l.line)).toEqual(Array.from({ length: n }, (_, i) => i + 2));
        await log.close();
        const read = parseAuditLog(await root.backend.readFile("r/audit.jsonl"));
        expect(read.problems).toEqual([]);
        expect(read.lines.map((l) => l.record.payload)).toEqual(
          Array.from({ length: n + 1 }, (_, i) => ({ n: i })),
        );
      }));

    it("makeBackup: one link and one directory fsync, no data copied (with hard links)", (ctx) =>
      withRoot(target, async (root) => {
        ctx.skip(
          !root.backend.capabilities.hardLinks,
          `${target.name} has no hard links: backups are copies`,
        );
        await makeDir(root.backend, "r", { durable: true });
        await makeDir(root.backend, "r/backups", { durable: true });
        await writeFile(root.backend, "r/outline.json", "outline", { durable: true });
        const { backend, trace } = recordTrace(root.backend);
        const backup = "r/backups/outline.json.20240102T030405_000000.bak";
        expect(await makeBackup(backend, "r/outline.json", backup)).toBe("link");
        const shape = acting(trace).map((e) => `${e.op} ${e.path}`);
        expect(shape, formatTrace(trace)).toEqual(["link r/outline.json", "syncDir r/backups"]);
        expect(trace.find((e) => e.op === "link")?.args.to).toBe(backup);
        expect(text(await root.backend.readFile(backup))).toBe("outline");
      }));
  });
}
