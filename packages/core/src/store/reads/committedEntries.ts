import { ErrorCode } from "../../errors/errorCodes.js";
import { LivingReportsError } from "../../errors/livingReportsError.js";
import type { IndexEntry } from "../../schema/index.js";
import { indexEntryFor } from "../index/indexLines.js";
import { reportIds } from "../index/rebuildIndex.js";
import type { StoreContext } from "../shared/context.js";
import { readOutline } from "./readOutline.js";

/**
 * The index as the reports' committed outlines say it, for a store a crash left unrecovered: one
 * entry per report folder from its committed outline (readOutline: the log's head where the file
 * is behind), the index's own entry where that outline does not load, and the index's tombstones
 * of reports no longer in `by_id/`. O(reports); never writes.
 */
export async function committedEntries(
  ctx: StoreContext,
  indexed: readonly IndexEntry[],
): Promise<IndexEntry[]> {
  const byId = new Map(indexed.map((e) => [e.report_id, e]));
  const ids = await reportIds(ctx);
  const entries: IndexEntry[] = [];
  for (const id of ids) {
    try {
      entries.push(indexEntryFor(await readOutline(ctx, id)));
    } catch (err) {
      if (!(err instanceof LivingReportsError)) throw err;
      const known = byId.get(id);
      // A delete whose move is pending (readOutline) is listed as deleted, whatever line the
      // index had when the crash came.
      const deleted = err.code === ErrorCode.NOT_FOUND && err.details?.trash_location !== undefined;
      if (known !== undefined) entries.push(deleted ? { ...known, status: "deleted" } : known);
    }
  }
  const present = new Set(ids);
  for (const e of indexed) if (e.status === "deleted" && !present.has(e.report_id)) entries.push(e);
  return entries;
}
