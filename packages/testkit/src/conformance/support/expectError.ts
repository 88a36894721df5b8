import { type ErrorCode, LivingReportsError } from "@living-reports/core";
import { expect } from "vitest";

/**
 * Awaits `promise`, expects it to reject with a {@link LivingReportsError} whose code is `codes`
 * (or one of them), and returns that error for further checks.
 */
export async function expectError(
  promise: Promise<unknown>,
  codes: ErrorCode | readonly ErrorCode[],
): Promise<LivingReportsError> {
  const allowed: readonly ErrorCode[] = typeof codes === "string" ? [codes] : codes;
  let caught: unknown;
  try {
    await promise;
  } catch (err) {
    caught = err;
  }
  expect(caught, `expected a rejection with ${allowed.join(" | ")}`).toBeInstanceOf(LivingReportsError);
  const error = caught as LivingReportsError;
  expect(allowed, `error code of: ${error.message}`).toContain(error.code);
  return error;
}
