import { LivingReportsError } from "../../errors/livingReportsError.js";
import { DEFAULT_LOCK_OPTIONS } from "../../lock/lockManager.js";
import { isStale } from "../../lock/lockPrimitive.js";
import type { IndexEntry } from "../../schema/index.js";
import { indexEntryFor } from "../index/indexLines.js";
import { reportIds } from "../index/rebuildIndex.js";
import { isLiveSession } from "../session/writerSession.js";
import type { StoreContext } from "../shared/context.js";
import { readdirOrEmpty } from "../shared/files.js";
import { SESSIONS } from "../shared/layout.js";
import { readOutline } from "./readOutline.js";

/**
 * Whether a writer crashed and no open has recovered the store since: a session lock in
 * `.sessions/` that no store of this process holds and that is stale. Its commits' index lines
 * may then be missing (they are appended after the commit point without a flush). One listing
 * and one look per foreign session lock. Never writes. (Within the stale time after a crash the
 * session still looks live: docs/DESIGN.md#reading-after-a-crash.)
 */
export async function unrecoveredCrash(ctx: StoreContext): Promise<boolean> {
  const names = await readdirOrEmpty(ctx.backend, SESSIONS);
  if (names.length === 0) return false;
  const primitive = ctx.backend.lockPrimitive(ctx.backend);
  const staleMs = ctx.options.lock.staleMs ?? DEFAULT_LOCK_OPTIONS.staleMs;
  for (const name of names) {
    const path = `${SESSIONS}/${name}`;
    if (!name.endsWith(".lock") || isLiveSession(ctx.backend, path)) continue;
    const state = await primitive.inspect(path);
    if (state !== undefined && isStale(state.mtimeMs, ctx.locks.clock.now(), staleMs)) return true;
  }
  return false;
}

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
      if (known !== undefined) entries.push(known);
    }
  }
  const present = new Set(ids);
  for (const e of indexed) if (e.status === "deleted" && !present.has(e.report_id)) entries.push(e);
  return entries;
}
