import { atomicReplace, ErrorCode, type StorageBackend } from "@living-reports/core";
import { describe, expect, it } from "vitest";
import type { FaultOp, FaultRule } from "../../faults/faultRule.js";
import { FaultyBackend } from "../../faults/faultyBackend.js";
import { text, utf8 } from "../support/bytes.js";
import { expectError } from "../support/expectError.js";
import { makeDir } from "../support/files.js";
import type { ConformanceTarget, TargetRoot } from "../target.js";
import { titleOf, withRoot } from "../withRoot.js";
import { expectInjected, STEP_ERRNOS, tempFiles } from "./faultExpectations.js";

const DIR = "r";
const TARGET = "r/outline.json";
const OLD = `{"v":"old","pad":"${"o".repeat(200)}"}`;
const NEW = `{"v":"new","pad":"${"n".repeat(400)}"}`;

/** The steps of atomicReplace in call order, and the path each is made on. */
const STEPS: readonly { op: FaultOp; path: string }[] = [
  { op: "open", path: `${TARGET}.tmp-*` },
  { op: "write", path: `${TARGET}.tmp-*` },
  { op: "sync", path: `${TARGET}.tmp-*` },
  { op: "close", path: `${TARGET}.tmp-*` },
  { op: "rename", path: TARGET },
  { op: "syncDir", path: DIR },
];

async function withOldTarget(root: TargetRoot, plan: FaultRule[]): Promise<FaultyBackend> {
  await makeDir(root.backend, DIR, { durable: true });
  await atomicReplace(root.backend, TARGET, utf8(OLD));
  return new FaultyBackend(root.backend, plan);
}

/** The backend over what a power loss leaves (memfs), or the live one on a real disk. */
function afterPowerLoss(root: TargetRoot, live: StorageBackend): StorageBackend {
  return root.crash === undefined ? live : root.crash({ mode: "drop" });
}

/**
 * Registers the fault tests of atomicReplace (docs/GUARANTEES.md#bad-input, G1): each step fails once
 * with EIO and with ENOSPC; a short write is completed or fails cleanly.
 */
export function describeAtomicReplaceFaults(target: ConformanceTarget): void {
  describe(titleOf(target, "faults: atomicReplace"), () => {
    for (const { op, path } of STEPS) {
      for (const errno of STEP_ERRNOS) {
        const after = op === "syncDir" ? "the new content is in place" : "the old content is intact";
        it(`${op} fails with ${errno}: typed error, ${after}, no temp file, a retry succeeds`, () =>
          withRoot(target, async (root) => {
            const faulty = await withOldTarget(root, [{ op, path, error: errno }]);
            await expectInjected(faulty, atomicReplace(faulty, TARGET, utf8(NEW)), op, errno);
            // Only the last step comes after the rename: the content is new but not known durable.
            expect(text(await faulty.readFile(TARGET))).toBe(op === "syncDir" ? NEW : OLD);
            expect(await tempFiles(faulty, DIR)).toEqual([]);
            // A failed fsync is reported once and never retried as if it had succeeded.
            expect(faulty.callCount(op)).toBe(1);
            if (op === "sync") expect(faulty.callCount("rename")).toBe(0);

            const survivor = afterPowerLoss(root, faulty);
            const content = text(await survivor.readFile(TARGET));
            expect(op === "syncDir" ? [OLD, NEW] : [OLD]).toContain(content);
            expect(await tempFiles(survivor, DIR)).toEqual([]);
            const retry = new FaultyBackend(survivor);
            await atomicReplace(retry, TARGET, utf8(`${NEW}!`));
            expect(text(await retry.readFile(TARGET))).toBe(`${NEW}!`);
            expect(await tempFiles(retry, DIR)).toEqual([]);
          }));
      }
    }

    it("a short write that then fails with ENOSPC leaves the old content and no temp file", () =>
      withRoot(target, async (root) => {
        const faulty = await withOldTarget(root, [
          { op: "write", path: `${TARGET}.tmp-*`, shortWrite: 7, error: "ENOSPC" },
        ]);
        await expectError(atomicReplace(faulty, TARGET, utf8(NEW)), ErrorCode.NO_SPACE);
        expect(faulty.fired).toMatchObject([{ op: "write", shortWrite: 7, applied: true }]);
        expect(text(await faulty.readFile(TARGET))).toBe(OLD);
        expect(await tempFiles(faulty, DIR)).toEqual([]);
      }));

    it("short writes without an error are completed: the whole new content lands", () =>
      withRoot(target, async (root) => {
        const faulty = await withOldTarget(root, [
          { op: "write", path: `${TARGET}.tmp-*`, shortWrite: 97, times: "always" },
        ]);
        await atomicReplace(faulty, TARGET, utf8(NEW));
        expect(faulty.fired.length).toBe(Math.ceil(utf8(NEW).length / 97));
        expect(text(await faulty.readFile(TARGET))).toBe(NEW);
        expect(await tempFiles(faulty, DIR)).toEqual([]);
      }));

    it("a write that makes no progress fails STORAGE_FAILURE instead of looping", () =>
      withRoot(target, async (root) => {
        const faulty = await withOldTarget(root, [
          { op: "write", path: `${TARGET}.tmp-*`, shortWrite: 0, times: "always" },
        ]);
        await expectError(atomicReplace(faulty, TARGET, utf8(NEW)), ErrorCode.STORAGE_FAILURE);
        expect(text(await faulty.readFile(TARGET))).toBe(OLD);
        expect(await tempFiles(faulty, DIR)).toEqual([]);
      }));
  });
}
