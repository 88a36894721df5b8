import { ErrorCode, isTempName, type LivingReportsError, type StorageBackend } from "@living-reports/core";
import { expect } from "vitest";
import type { FaultErrorCode, FaultOp } from "../../faults/faultRule.js";
import type { FaultyBackend } from "../../faults/faultyBackend.js";
import { expectError } from "../support/expectError.js";

/** The errnos every step is failed with (docs/GUARANTEES.md#bad-input: ENOSPC/EIO from the disk). */
export const STEP_ERRNOS: readonly FaultErrorCode[] = ["EIO", "ENOSPC"];

const SYNC_OPS: ReadonlySet<FaultOp> = new Set<FaultOp>(["sync", "datasync", "syncDir"]);

/** The code a real backend reports for `errno` on `op`: any sync fault is FSYNC_FAILED. */
export function expectedCode(op: FaultOp, errno: FaultErrorCode): ErrorCode {
  if (SYNC_OPS.has(op)) return ErrorCode.FSYNC_FAILED;
  return errno === "ENOSPC" ? ErrorCode.NO_SPACE : ErrorCode.STORAGE_FAILURE;
}

/**
 * Expects `promise` to reject with the typed error of exactly one injected fault of `op` with
 * `errno` (the right code, and `syscode` = the errno), and returns it.
 */
export async function expectInjected(
  faulty: FaultyBackend,
  promise: Promise<unknown>,
  op: FaultOp,
  errno: FaultErrorCode,
): Promise<LivingReportsError> {
  const err = await expectError(promise, expectedCode(op, errno));
  expect(err.syscode, err.message).toBe(errno);
  expect(
    faulty.fired.map((f) => f.op),
    "exactly one fault fired",
  ).toEqual([op]);
  return err;
}

/** Names in `dir` that are temp files a writer left behind. */
export async function tempFiles(backend: StorageBackend, dir: string): Promise<string[]> {
  return (await backend.readdir(dir)).filter(isTempName);
}
