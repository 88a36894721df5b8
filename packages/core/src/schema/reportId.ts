import { ErrorCode } from "../errors/errorCodes.js";
import { LivingReportsError } from "../errors/livingReportsError.js";
import { ReportIdSchema } from "./primitives.js";

/**
 * Checks that `id` is a canonical lowercase UUID before it is joined into any path (G8).
 *
 * @returns `id`, unchanged
 * @throws LivingReportsError INVALID_ID carrying the offending id
 */
export function assertReportId(id: string): string {
  if (typeof id === "string" && ReportIdSchema.safeParse(id).success) return id;
  const shown = typeof id === "string" ? JSON.stringify(id) : String(id);
  throw new LivingReportsError(
    ErrorCode.INVALID_ID,
    `invalid report id ${shown}: not a canonical lowercase UUID`,
    {
      id: String(id),
    },
  );
}

/** True when `id` is a canonical lowercase UUID (a valid report id). Never throws. */
export function isReportId(id: unknown): id is string {
  return typeof id === "string" && ReportIdSchema.safeParse(id).success;
}
