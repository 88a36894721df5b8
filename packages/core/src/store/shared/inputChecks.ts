import { ErrorCode } from "../../errors/errorCodes.js";
import { LivingReportsError } from "../../errors/livingReportsError.js";
import { reportDir } from "./layout.js";
import type { MutationOptions } from "./types.js";

/** INVALID_INPUT with a message. */
export function invalidInput(message: string, details?: Record<string, unknown>): LivingReportsError {
  return new LivingReportsError(ErrorCode.INVALID_INPUT, message, details === undefined ? {} : { details });
}

/** NOT_FOUND for a report id. */
export function notFound(id: string): LivingReportsError {
  return new LivingReportsError(ErrorCode.NOT_FOUND, `report ${id} not found`, { id, path: reportDir(id) });
}

/**
 * Checks `options.expectedVersion` against the stored `outline_version` (G6).
 *
 * @throws LivingReportsError VERSION_CONFLICT with `details { expected, actual }`
 */
export function checkExpectedVersion(id: string, actual: number, expected: number | undefined): void {
  if (expected === undefined || expected === actual) return;
  throw new LivingReportsError(
    ErrorCode.VERSION_CONFLICT,
    `report ${id} is at version ${actual}, not the expected ${expected}`,
    {
      id,
      details: { expected, actual },
    },
  );
}

/**
 * Checks the shape of mutation options before anything is touched.
 *
 * @throws LivingReportsError INVALID_INPUT for a bad `expectedVersion`, `actor` or `requestId`
 */
export function checkMutationOptions(options: MutationOptions): void {
  const { expectedVersion, actor, requestId } = options;
  if (expectedVersion !== undefined && !(Number.isInteger(expectedVersion) && expectedVersion >= 1)) {
    throw invalidInput(`expectedVersion must be an integer ≥ 1, got ${String(expectedVersion)}`);
  }
  if (actor !== undefined && actor !== "cli" && actor !== "agent" && actor !== "human") {
    throw invalidInput(`actor must be cli, agent or human, got ${JSON.stringify(actor)}`);
  }
  if (requestId !== undefined && typeof requestId !== "string") {
    throw invalidInput("requestId must be a string");
  }
}
