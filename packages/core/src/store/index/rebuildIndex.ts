import { LivingReportsError } from "../../errors/livingReportsError.js";
import { type IndexEntry, isReportId, parseOutlineBytes } from "../../schema/index.js";
import type { StoreContext } from "../shared/context.js";
import { readdirOrEmpty } from "../shared/files.js";
import { BY_ID, outlinePath } from "../shared/layout.js";
import type { Mended } from "../shared/types.js";
import { indexEntryFor } from "./indexLines.js";

/** The report folders of `by_id/` whose names are valid ids (others are never followed, G8). */
export async function reportIds(ctx: StoreContext): Promise<string[]> {
  return (await readdirOrEmpty(ctx.backend, BY_ID)).filter(isReportId);
}

/**
 * Rebuilds `index.jsonl` from the outlines in `by_id/` (atomic replace under the index lock),
 * with progress `{ phase: "rebuild-index" }`. A report whose outline does not load is left out
 * and listed in `mended` as `index_skipped` (verify reports it too).
 *
 * @returns how many reports the index now lists
 */
export async function rebuildIndex(ctx: StoreContext, mended: Mended[]): Promise<{ reports: number }> {
  let count = 0;
  await ctx.index.replace(async () => {
    const ids = await reportIds(ctx);
    const entries: IndexEntry[] = [];
    for (const [i, id] of ids.entries()) {
      try {
        const bytes = await ctx.backend.readFile(outlinePath(id));
        entries.push(indexEntryFor(parseOutlineBytes(bytes, ctx.options.limits, outlinePath(id))));
      } catch (err) {
        if (!(err instanceof LivingReportsError)) throw err;
        // A folder without a loadable outline is not a report the index can list (G5).
        mended.push({ report_id: id, action: "index_skipped", file: outlinePath(id), detail: err.message });
      }
      ctx.options.onProgress({ phase: "rebuild-index", done: i + 1, total: ids.length });
    }
    count = entries.length;
    return entries;
  });
  return { reports: count };
}
