import { assertReportId, ErrorCode, LivingReportsError } from "@living-reports/core";
import type { ParsedArgs } from "../parsedArgs.js";

/** A UUID in any letter case (action ids; a `show` query taken for a report id). */
const UUID_ANY_CASE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The report id at positional `index`, checked before the store is even opened (G8: a bad id
 * touches no file).
 * @throws LivingReportsError INVALID_INPUT when missing, INVALID_ID when not a canonical UUID
 */
export function reportIdArgument(args: ParsedArgs, index: number): string {
  return assertReportId(args.positional(index, "report id"));
}

/**
 * The audit action id at positional `index`: a UUID as `history` prints it (either case, as the
 * schema's action ids; an action id is only compared, never made a path), checked before the
 * store is opened so that `revert <id> ../x` is a bad id (exit 2), not an action looked for and
 * not found (exit 3).
 * @throws LivingReportsError INVALID_INPUT when missing, INVALID_ID when not a UUID
 */
export function actionIdArgument(args: ParsedArgs, index: number): string {
  const value = args.positional(index, "action id");
  if (UUID_ANY_CASE.test(value)) return value;
  throw new LivingReportsError(
    ErrorCode.INVALID_ID,
    `invalid action id ${JSON.stringify(value)}: not a UUID`,
    { id: value },
  );
}

/**
 * A `show` query (id, exact title or partial title). A query shaped like a UUID must be a
 * canonical lowercase one, as every command taking an id requires (docs/FORMAT.md#data-model): an uppercase UUID
 * is refused with INVALID_ID here as `rename` refuses it, instead of being matched as an id
 * prefix. Any other text is a title query.
 * @throws LivingReportsError INVALID_INPUT when missing, INVALID_ID for a non-canonical UUID
 */
export function reportQueryArgument(args: ParsedArgs, index: number): string {
  const query = args.positional(index, "id or title");
  return UUID_ANY_CASE.test(query) ? assertReportId(query) : query;
}
