import { LivingReportsError } from "../../errors/livingReportsError.js";
import type { IndexEntry } from "../../schema/index.js";
import type { StoreContext } from "../shared/context.js";
import { INDEX_FILE } from "../shared/layout.js";
import { rebuildIndex } from "./rebuildIndex.js";

/**
 * Brings `index.jsonl` up to date after an operation committed (its audit event is durable), and
 * never fails it: the index is derived, and failing a committed operation would invite a retry
 * that applies it twice. Appends `entries`; when an earlier append failed, rebuilds the whole
 * index instead (under the index lock; the rebuild reads every outline, so `entries` are in it).
 * A failed append is retried at once as such a rebuild; only when that fails too is the index
 * left stale: readers of this store see `entries` over the file, the next write rebuilds, and a
 * crash before that leaves the session unclean, so recovery rebuilds.
 *
 * @throws only what is not a LivingReportsError (a bug)
 */
export async function indexCommitted(ctx: StoreContext, entries: readonly IndexEntry[]): Promise<void> {
  try {
    if (ctx.index.stale === undefined) await ctx.index.append(entries);
    else await refreshIfStale(ctx);
    return;
  } catch (err) {
    if (!(err instanceof LivingReportsError)) throw err;
    ctx.index.markStale(entries, err);
  }
  // Retried at once, by a rebuild under a fresh index lock (the failed append may have left a
  // partial line, which an append would glue onto): other processes must see the change now.
  try {
    await refreshIfStale(ctx);
  } catch (err) {
    if (!(err instanceof LivingReportsError)) throw err;
    // Still stale: readers here see `entries`; the next write, close, repair or recovery rebuilds.
  }
}

/**
 * Rebuilds the index when an append after a committed operation failed, recording it in
 * `ctx.mended`. Call only from a write (reads never write).
 *
 * @throws LivingReportsError the rebuild's storage or lock error (the index stays stale)
 */
export async function refreshIfStale(ctx: StoreContext): Promise<void> {
  const stale = ctx.index.stale;
  if (stale === undefined) return;
  await rebuildIndex(ctx, ctx.mended);
  ctx.mended.push({
    action: "rebuilt_index",
    file: INDEX_FILE,
    detail: `an append after a committed operation failed: ${stale.message}`,
  });
}
