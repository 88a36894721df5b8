import { assertReportId } from "@living-reports/core";
import type { ParsedArgs } from "../parsedArgs.js";

/**
 * The report id at positional `index`, checked before the store is even opened (G8: a bad id
 * touches no file).
 * @throws LivingReportsError INVALID_INPUT when missing, INVALID_ID when not a canonical UUID
 */
export function reportIdArgument(args: ParsedArgs, index: number): string {
  return assertReportId(args.positional(index, "report id"));
}
