import { AuditLog, ErrorCode, parseAuditLog, type StorageBackend } from "@living-reports/core";
import { describe, expect, it } from "vitest";
import type { FaultOp } from "../../faults/faultRule.js";
import { FaultyBackend } from "../../faults/faultyBackend.js";
import { auditRecord as record } from "../support/auditRecord.js";
import { expectError } from "../support/expectError.js";
import { makeDir } from "../support/files.js";
import type { ConformanceTarget } from "../target.js";
import { titleOf, withRoot } from "../withRoot.js";
import { expectedCode, expectInjected, STEP_ERRNOS } from "./faultExpectations.js";

const DIR = "r";
const LOG = "r/audit.jsonl";

/** The records in the log on disk, after checking every line is valid and chained. */
async function recordsOnDisk(backend: StorageBackend): Promise<Record<string, unknown>[]> {
  const read = parseAuditLog(await backend.readFile(LOG));
  expect(read.problems).toEqual([]);
  expect(read.tornTail).toBeNull();
  return read.lines.map((l) => l.record);
}

/** A log at LOG holding records 0 and 1, open for appends through a fault-free wrapper. */
async function twoLineLog(backend: StorageBackend): Promise<{ faulty: FaultyBackend; log: AuditLog }> {
  await makeDir(backend, DIR, { durable: true });
  const faulty = new FaultyBackend(backend);
  const log = new AuditLog(faulty, LOG);
  await log.open();
  await log.append(record(0));
  await log.append(record(1));
  return { faulty, log };
}

/** The steps of an append to an existing log. */
const APPEND_STEPS: readonly FaultOp[] = ["write", "datasync"];

/**
 * Registers the fault tests of AuditLog.append (docs/GUARANTEES.md#bad-input, G3): a failed write or
 * datasync fails the append with a typed error, leaves the acknowledged lines exactly as they were,
 * refuses further appends until the log is reopened, and the reopened log appends on an intact chain.
 */
export function describeAuditLogFaults(target: ConformanceTarget): void {
  describe(titleOf(target, "faults: AuditLog"), () => {
    for (const op of APPEND_STEPS) {
      for (const errno of STEP_ERRNOS) {
        it(`${op} fails with ${errno}: typed error, log intact, refused until reopened, then chained`, () =>
          withRoot(target, async ({ backend }) => {
            const { faulty, log } = await twoLineLog(backend);
            const before = faulty.callCount(op);
            const datasyncsBefore = faulty.callCount("datasync");
            faulty.setPlan([{ op, path: LOG, error: errno }]);
            await expectInjected(faulty, log.append(record(2)), op, errno);
            // One attempt, never retried: a failed datasync may have made the line durable anyway.
            // So the failure path cuts the line back and datasyncs the cut: one more datasync,
            // only on that path, and a failed append cannot come back after a crash.
            if (op === "write") expect(faulty.callCount("write") - before).toBe(1);
            expect(faulty.callCount("datasync") - datasyncsBefore).toBe(op === "datasync" ? 2 : 1);
            faulty.setPlan([]);
            await expectError(log.append(record(3)), expectedCode(op, errno));
            expect(await recordsOnDisk(faulty)).toEqual([record(0), record(1)]);

            const reopened = await log.open();
            expect(reopened.lines.map((l) => l.record)).toEqual([record(0), record(1)]);
            expect((await log.append(record(3))).line).toBe(3);
            await log.close();
            expect(await recordsOnDisk(faulty)).toEqual([record(0), record(1), record(3)]);
          }));
      }
    }

    it("a datasync that fails after reaching the disk: the cut-back record does not return after a power loss", () =>
      withRoot(target, async (root) => {
        if (root.crash === undefined) return;
        const { faulty, log } = await twoLineLog(root.backend);
        // applied: true: the line became durable although the datasync reported an error.
        faulty.setPlan([{ op: "datasync", path: LOG, error: "EIO", applied: true }]);
        await expectInjected(faulty, log.append(record(2)), "datasync", "EIO");
        faulty.setPlan([]);
        expect(await recordsOnDisk(root.crash({ mode: "drop" }))).toEqual([record(0), record(1)]);
      }));

    it("a short write that then fails leaves no partial line behind", () =>
      withRoot(target, async ({ backend }) => {
        const { faulty, log } = await twoLineLog(backend);
        faulty.setPlan([{ op: "write", path: LOG, shortWrite: 10, error: "ENOSPC" }]);
        await expectError(log.append(record(2)), ErrorCode.NO_SPACE);
        faulty.setPlan([]);
        expect(await recordsOnDisk(faulty)).toEqual([record(0), record(1)]);
        await log.open();
        await log.append(record(2));
        await log.close();
        expect(await recordsOnDisk(faulty)).toEqual([record(0), record(1), record(2)]);
      }));

    it("concurrent appends in a failed batch all fail; none is acknowledged", () =>
      withRoot(target, async ({ backend }) => {
        const { faulty, log } = await twoLineLog(backend);
        faulty.setPlan([{ op: "datasync", path: LOG, error: "EIO" }]);
        const results = await Promise.allSettled([2, 3, 4].map((n) => log.append(record(n))));
        expect(results.map((r) => r.status)).toEqual(["rejected", "rejected", "rejected"]);
        faulty.setPlan([]);
        expect(await recordsOnDisk(faulty)).toEqual([record(0), record(1)]);
      }));

    it("the first append's directory sync fails: after a reopen, an acknowledged line survives a power loss", () =>
      withRoot(target, async (root) => {
        await makeDir(root.backend, DIR, { durable: true });
        // applied: false keeps the log's name volatile, as a directory fsync that never reached the disk.
        const faulty = new FaultyBackend(root.backend, [
          { op: "syncDir", path: DIR, error: "EIO", applied: false },
        ]);
        const log = new AuditLog(faulty, LOG);
        await log.open();
        await expectInjected(faulty, log.append(record(0)), "syncDir", "EIO");
        faulty.setPlan([]);
        await log.open();
        await log.append(record(1));
        await log.close();
        expect(await recordsOnDisk(faulty)).toEqual([record(1)]);
        if (root.crash === undefined) return;
        expect(await recordsOnDisk(root.crash({ mode: "drop" }))).toEqual([record(1)]);
      }));
  });
}
