import { ErrorCode, fromSystemError, LivingReportsError } from "@living-reports/core";
import { withFixedIds } from "./fixedIds.js";
import { plainSystemError } from "./volumePaths.js";

/**
 * Runs a synchronous memfs step, mapping any failure with {@link fromSystemError} (the original
 * kept as `cause`; fsync ops become FSYNC_FAILED). The step runs {@link withFixedIds}, so
 * memfs's uid/gid checks cost no system call.
 *
 * @returns the step's result
 * @throws LivingReportsError the mapped failure
 */
export function attemptSync<T>(path: string, op: string, step: () => T): T {
  try {
    return withFixedIds(step);
  } catch (err) {
    throw fromSystemError(plainSystemError(err), path, op);
  }
}

/** Runs one synchronous call and settles a promise with its result, or rejects with its error. */
export function settle<T>(step: () => T): Promise<T> {
  try {
    return Promise.resolve(step());
  } catch (err) {
    return Promise.reject(err);
  }
}
/**
 * Checks that a length, position or time argument is a non-negative safe integer.
 *
 * @throws LivingReportsError INVALID_INPUT naming the argument
 */
export function checkCount(value: number, what: string, path: string): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new LivingReportsError(
      ErrorCode.INVALID_INPUT,
      `${what} must be a non-negative integer, got ${value}`,
      {
        path,
      },
    );
  }
  return value;
}
