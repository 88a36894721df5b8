import { atomicReplace } from "../../durable/index.js";
import type { ActionType, Outline } from "../../schema/index.js";
import { validateOutlineBytes } from "../../schema/outlineCodec.js";
import { sha256Hex } from "../../util/hash.js";
import { eventRecord } from "../audit/auditEvents.js";
import { indexEntryFor } from "../index/indexLines.js";
import { indexCommitted } from "../index/indexUpkeep.js";
import type { StoreContext } from "../shared/context.js";
import { outlinePath } from "../shared/layout.js";
import type { MutationOptions } from "../shared/types.js";
import { makeReportFolder, removeReportFolder } from "./newReportFolder.js";
import { keepReportLock } from "./reportTransaction.js";
import { rollBackCreate } from "./uncommit.js";

/**
 * Commits new report `id` (create, fork, synthesize; `draft.report_id` must be `id`): validates the outline fully first (nothing
 * is written if it fails), creates `by_id/<id>/` and `backups/` durably, then under the new
 * report's lock writes the outline atomically, appends the event (`outline_version` 1,
 * `outline_sha256`) and the index line. A crash before the event leaves a folder that recovery
 * removes (no outline) or a report without history (outline only), never a torn one. A failure
 * before the event is durable removes the outline and the folder again (see
 * {@link rollBackCreate}, {@link makeReportFolder}): a refused create leaves nothing; once the
 * event is durable the report is created and an index failure does not fail the call. The
 * report's lock is then kept for the store's next commit (a lease, see `keepReportLock`).
 *
 * @throws LivingReportsError INVALID_OUTLINE, TOO_LARGE, TOO_DEEP, LOCK_TIMEOUT, or a storage error
 */
export async function commitNewReport(
  ctx: StoreContext,
  id: string,
  draft: unknown,
  action: ActionType,
  payload: Record<string, unknown>,
  options: MutationOptions,
): Promise<Outline> {
  const { outline, bytes } = validateOutlineBytes(draft, ctx.options.limits, outlinePath(id));
  await ctx.session.beginWrite();
  const held = await makeReportFolder(ctx, id);
  let rolledBack = false;
  try {
    try {
      await atomicReplace(held, outlinePath(id), bytes);
      const { log } = await ctx.audit.open(id);
      await ctx.audit.append(
        id,
        log,
        eventRecord({
          reportId: id,
          action,
          actor: options.actor ?? ctx.options.actor,
          at: ctx.options.now(),
          payload: { ...payload, outline_version: outline.outline_version },
          outlineSha256: sha256Hex(bytes),
          // In the log, so that the next update need not make its backup durable first.
          ...(ctx.options.strict ? {} : { outline }),
          requestId: options.requestId,
        }),
      );
    } catch (err) {
      await ctx.audit.evict(id);
      rolledBack = true;
      return await rollBackCreate(ctx, id, held, err);
    }
    // Committed: an index failure must not fail it (see indexCommitted).
    ctx.audit.rememberOutline(id, sha256Hex(bytes), structuredClone(outline));
    await indexCommitted(ctx, [indexEntryFor(outline)]);
  } catch (err) {
    try {
      await held.lock.release();
    } finally {
      // The folder holds nothing acknowledged: a refused create leaves no trace (only after the
      // release, as the lock lives in it).
      if (rolledBack) await removeReportFolder(ctx, id);
    }
    throw err;
  }
  await keepReportLock(ctx, id, held);
  return outline;
}
