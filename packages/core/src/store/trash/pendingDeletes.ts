import { committedHead } from "../../durable/index.js";
import type { StoreContext } from "../shared/context.js";
import { pathExists } from "../shared/files.js";
import { auditPath, reportDir } from "../shared/layout.js";
import { pendingDeleteLocation } from "../shared/trashNames.js";
import type { TrashEntry } from "../shared/types.js";

/**
 * The deleted reports whose move into the trash is pending (a delete whose event committed and
 * whose move failed after it, or a crash between the two): tombstoned in the index, their folder
 * still in `by_id/`, their log ending with the delete event. Each as the trash entry it becomes
 * (`location` the one its event names, not there yet). One `stat` per tombstone of the index and
 * a read of the log's end per candidate; a log whose end cannot tell (damage, a torn tail) is
 * left to `verify`. Never writes.
 *
 * @throws LivingReportsError storage errors
 */
export async function pendingDeletes(ctx: StoreContext): Promise<TrashEntry[]> {
  await ctx.index.refresh();
  const entries: TrashEntry[] = [];
  for (const entry of ctx.index.all()) {
    const id = entry.report_id;
    if (entry.status !== "deleted" || !(await pathExists(ctx.backend, reportDir(id)))) continue;
    const head = await committedHead(ctx.backend, auditPath(id));
    const location = pendingDeleteLocation(head?.record, id);
    if (head == null || location === undefined) continue;
    const deletedAt = (head.record.payload as Record<string, unknown>).deleted_at;
    entries.push({
      report_id: id,
      title: entry.current_title,
      deleted_at: typeof deletedAt === "string" ? deletedAt : entry.updated_at,
      location,
    });
  }
  return entries;
}
