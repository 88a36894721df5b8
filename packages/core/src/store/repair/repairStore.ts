import { atomicReplace, encodeAuditLine, parseAuditLogYielding } from "../../durable/index.js";
import { ErrorCode } from "../../errors/errorCodes.js";
import { isLivingReportsError, LivingReportsError } from "../../errors/livingReportsError.js";
import { assertReportId } from "../../schema/index.js";
import { EMPTY_SHA256, sha256Hex } from "../../util/hash.js";
import { withReportLock } from "../commit/reportTransaction.js";
import { rebuildIndex, reportIds } from "../index/rebuildIndex.js";
import { acquireReportLock, type HeldReportLock } from "../locking/reportLock.js";
import { removeIfAbandonedCreate } from "../recovery/abandonedCreate.js";
import { recoverTrash } from "../recovery/trashRecovery.js";
import { claimCrashedSessions } from "../session/crashedSessions.js";
import type { StoreContext } from "../shared/context.js";
import { auditPath } from "../shared/layout.js";
import type { Mended, RepairReport } from "../shared/types.js";
import { verifyStore } from "../verify/index.js";

const encoder = new TextEncoder();

/**
 * Repairs what can be repaired (docs/CLI.md `repair`), each report under its lock: removes the
 * folder of a create that never got its first event, orphan temp files, cuts torn tails, records
 * manual edits, rolls cut commits and files behind the log forward, makes missing or torn backups
 * again from the log (the recovery after a crash), reclaims stale locks (acquiring one does), and rewrites an audit log holding
 * complete records glued after torn fragments (by atomic replace, keeping every record and the
 * chain); then clears crashed sessions, completes moves to and from the trash cut after their
 * event, rebuilds the index and verifies. What remains (a missing
 * backup, corruption that cannot be salvaged) is listed in `unresolved`, never invented away.
 */
export async function repairStore(ctx: StoreContext, id: string | undefined): Promise<RepairReport> {
  const only = id === undefined ? undefined : assertReportId(id);
  await ctx.session.beginWrite();
  const mended: Mended[] = [];
  const ids = only === undefined ? await reportIds(ctx) : [only];
  let onlyRemoved = false;
  for (const [i, reportId] of ids.entries()) {
    const before = ctx.mended.length;
    try {
      // The glued records first: until they are rewritten the log is damaged, and the per-write
      // recovery that follows refuses a damaged log.
      const held = await acquireReportLock(ctx, reportId);
      let removed = false;
      try {
        // A create that never got its first event (a refused create on a disk that refused even
        // the cleanup, or a crash) holds nothing acknowledged: its folder goes.
        removed = await removeIfAbandonedCreate(ctx, reportId, held, mended);
        if (!removed) await rewriteGluedLog(ctx, reportId, held, mended);
      } finally {
        await held.lock.release();
      }
      // As after a crash: backups the log vouches for are checked and made again if need be.
      if (!removed) await withReportLock(ctx, reportId, async () => undefined, true);
      onlyRemoved = removed && only !== undefined;
    } catch (err) {
      if (!(err instanceof LivingReportsError) || only !== undefined) throw err;
      // Verify lists what stays broken; the other reports are still repaired.
    }
    mended.push(...ctx.mended.slice(before));
    ctx.options.onProgress({ phase: "repair", done: i + 1, total: ids.length });
  }
  if (only === undefined) {
    for (const session of await claimCrashedSessions(ctx.backend, ctx.locks, ctx.options.lock)) {
      await session.handle?.release();
      mended.push({ action: "removed_stale_session", file: session.path });
    }
  }
  if (only === undefined) await recoverTrash(ctx, mended);
  await rebuildIndex(ctx, mended);
  const report = await verifyStore(ctx.backend, {
    ...(only === undefined || onlyRemoved ? {} : { reportId: only }),
    limits: ctx.options.limits,
    now: ctx.options.lockNow ?? (() => ctx.locks.clock.now()),
    ...(ctx.options.lock.staleMs === undefined ? {} : { staleMs: ctx.options.lock.staleMs }),
  });
  return { mended, indexRebuilt: true, unresolved: report.problems };
}

/**
 * Rewrites report `id`'s log when every problem in it is a torn fragment before a salvaged
 * record: lines kept in order, legacy and salvaged records as plain lines (their chain value is
 * the hash of their bytes, as before), framed records re-chained, a torn tail (no newline: an
 * unacknowledged append) dropped. Any other damage is left for the operator (verify lists it in
 * `unresolved`): rewriting would throw away evidence.
 */
async function rewriteGluedLog(
  ctx: StoreContext,
  id: string,
  held: HeldReportLock,
  mended: Mended[],
): Promise<void> {
  let bytes: Uint8Array;
  try {
    bytes = await ctx.backend.readFile(auditPath(id));
  } catch (err) {
    if (isLivingReportsError(err, ErrorCode.NOT_FOUND)) return;
    throw err;
  }
  const read = await parseAuditLogYielding(bytes);
  if (read.problems.length === 0) return;
  const salvaged = new Set(read.lines.filter((l) => l.kind === "salvaged").map((l) => l.line));
  if (!read.problems.every((p) => salvaged.has(p.line))) return;
  let chain = EMPTY_SHA256;
  let text = "";
  let framedSeen = false;
  for (const line of read.lines) {
    if (line.kind === "framed" || framedSeen) {
      const encoded = encodeAuditLine(line.record, chain);
      text += encoded.text;
      chain = encoded.hash;
      framedSeen = true;
    } else {
      text += `${line.raw}\n`;
      chain = sha256Hex(`${line.raw}\n`);
    }
  }
  await ctx.audit.evict(id);
  await atomicReplace(held, auditPath(id), encoder.encode(text));
  mended.push({
    report_id: id,
    action: "salvaged_glued_records",
    file: auditPath(id),
    detail:
      `lines ${[...salvaged].join(", ")}` +
      (read.tornTail === null ? "" : `; torn tail of ${read.tornTail.length} bytes dropped`),
  });
}
