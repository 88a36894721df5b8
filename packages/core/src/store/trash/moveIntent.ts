import { parseAuditLog } from "../../durable/index.js";
import { ErrorCode } from "../../errors/errorCodes.js";
import { isLivingReportsError } from "../../errors/livingReportsError.js";
import type { StoreContext } from "../shared/context.js";

/** What the log of a folder says about a move between `by_id/` and the trash. */
export type MoveIntent = "delete" | "restore" | "none";

/**
 * Reads the last complete record of the log at `dir/audit.jsonl`: a `delete` to `location` or a
 * `restored` status change from `location` is a move that was logged (its commit point) and may
 * not have finished. A missing or unreadable log says nothing.
 *
 * @throws LivingReportsError an I/O error other than a missing log
 */
export async function loggedMove(ctx: StoreContext, dir: string, location: string): Promise<MoveIntent> {
  let bytes: Uint8Array;
  try {
    bytes = await ctx.backend.readFile(`${dir}/audit.jsonl`);
  } catch (err) {
    if (isLivingReportsError(err, ErrorCode.NOT_FOUND)) return "none";
    throw err;
  }
  return moveIntentOf(parseAuditLog(bytes).lines.at(-1)?.record, location);
}

/** The move to or from `location` that `record` (a log's last) logs, if it logs one. */
export function moveIntentOf(record: Record<string, unknown> | undefined, location: string): MoveIntent {
  const payload = (record?.payload ?? {}) as Record<string, unknown>;
  if (record?.action_type === "delete" && payload.trash_location === location) return "delete";
  if (record?.action_type === "status_change" && payload.status === "restored") {
    if (payload.restored_from === location) return "restore";
  }
  return "none";
}
