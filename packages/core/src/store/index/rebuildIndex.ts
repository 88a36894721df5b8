import { committedHead } from "../../durable/index.js";
import { LivingReportsError } from "../../errors/livingReportsError.js";
import { type IndexEntry, isReportId, parseOutlineBytes } from "../../schema/index.js";
import type { StoreContext } from "../shared/context.js";
import { readdirOrEmpty } from "../shared/files.js";
import { auditPath, BY_ID, outlinePath } from "../shared/layout.js";
import { pendingDeleteLocation } from "../shared/trashNames.js";
import type { Mended } from "../shared/types.js";
import { indexEntryFor } from "./indexLines.js";

/** The report folders of `by_id/` whose names are valid ids (others are never followed, G8). */
export async function reportIds(ctx: StoreContext): Promise<string[]> {
  return (await readdirOrEmpty(ctx.backend, BY_ID)).filter(isReportId);
}

/**
 * Rebuilds `index.jsonl` from the outlines in `by_id/` (atomic replace under the index lock; a
 * report whose log ends with its delete event, its move into the trash pending, as a tombstone),
 * with progress `{ phase: "rebuild-index" }`. A report whose outline does not load is left out
 * and listed in `mended` as `index_skipped` (verify reports it too). Temp files of an interrupted
 * index rewrite are removed (`removed_temp_file`): recovery after a crash and `repair` both
 * rebuild the index, so neither leaves one behind.
 *
 * @returns how many reports the index now lists
 */
export async function rebuildIndex(ctx: StoreContext, mended: Mended[]): Promise<{ reports: number }> {
  let count = 0;
  const removed = await ctx.index.replace(async () => {
    const ids = await reportIds(ctx);
    const entries: IndexEntry[] = [];
    for (const [i, id] of ids.entries()) {
      try {
        const bytes = await ctx.backend.readFile(outlinePath(id));
        const outline = parseOutlineBytes(bytes, ctx.options.limits, outlinePath(id));
        // A delete whose move into the trash is pending is deleted: its tombstone, not a live line.
        const head = await committedHead(ctx.backend, auditPath(id));
        entries.push(indexEntryFor(outline, pendingDeleteLocation(head?.record, id) !== undefined));
      } catch (err) {
        if (!(err instanceof LivingReportsError)) throw err;
        // A folder without a loadable outline is not a report the index can list (G5).
        mended.push({ report_id: id, action: "index_skipped", file: outlinePath(id), detail: err.message });
      }
      ctx.options.onProgress({ phase: "rebuild-index", done: i + 1, total: ids.length });
    }
    count = entries.filter((e) => e.status !== "deleted").length;
    return entries;
  });
  for (const file of removed) mended.push({ action: "removed_temp_file", file });
  return { reports: count };
}
