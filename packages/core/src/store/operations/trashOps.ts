import type { StorageBackend } from "../../backend/storageBackend.js";
import { AuditLog, parseAuditLog } from "../../durable/index.js";
import { ErrorCode } from "../../errors/errorCodes.js";
import { isLivingReportsError, LivingReportsError } from "../../errors/livingReportsError.js";
import { type Outline, parseOutlineBytes } from "../../schema/index.js";
import { sha256Hex } from "../../util/hash.js";
import { eventRecord } from "../audit/auditEvents.js";
import { checkpointReport } from "../commit/checkpoint.js";
import { withReportLock } from "../commit/reportTransaction.js";
import { indexEntryFor } from "../index/indexLines.js";
import { indexCommitted } from "../index/indexUpkeep.js";
import type { StoreContext } from "../shared/context.js";
import { ensureDirectory, pathExists, readdirOrEmpty, removeTree } from "../shared/files.js";
import { checkExpectedVersion, invalidInput } from "../shared/inputChecks.js";
import { BY_ID, reportDir, TRASH } from "../shared/layout.js";
import { compactStamp, instantOf, isoTimestamp, parseCompactStamp } from "../shared/timestamps.js";
import { trashedReportId } from "../shared/trashNames.js";
import type { MutationOptions, TrashEntry } from "../shared/types.js";
import { moveIntentOf } from "../trash/moveIntent.js";
import { pendingDeletes } from "../trash/pendingDeletes.js";
import { withTrashLock } from "../trash/trashLock.js";
import { moveToTrash, removeStrayLocks } from "../trash/trashMoves.js";

/**
 * Soft-deletes report `id` under its lock and the lock of its trash entry-to-be: appends the
 * `delete` event `{ trash_location, deleted_at }` (durable first, so a crash before the move is
 * completed by recovery), moves the folder to `.trash/<id>_<yyyymmddTHHMMSS>`, and tombstones the
 * index. The event is the commit point: a failure before it (the trash entry's lock not to be
 * had included) changes nothing and rejects; a failed move after it is recorded in the store's
 * `mended` lines (`delete_move_pending`) and completed by recovery, and the delete resolves.
 */
export async function deleteReport(
  ctx: StoreContext,
  id: string,
  options: MutationOptions,
): Promise<TrashEntry> {
  return await withReportLock(ctx, id, async (report, held) => {
    checkExpectedVersion(id, report.outline.outline_version, options.expectedVersion);
    const at = ctx.options.now();
    const deletedAt = isoTimestamp(at);
    const location = `${TRASH}/${await freeTrashName(ctx.backend, id, at)}`;
    // Before the event, so that a disk without room for `.trash/` refuses the delete unchanged.
    await ensureDirectory(ctx.backend, TRASH);
    // The trash keeps the files as they are on disk: the ones written after their commit point
    // are made durable first (the log protocol's checkpoint).
    await checkpointReport(ctx, id);
    // The trash entry's lock, held from before the event until the tombstone is appended: a
    // restore in another process takes it too, so it cannot index the report back before the
    // tombstone lands. Taken before the event, so that a delete that cannot take it (a disk
    // without a free inode) is refused unchanged.
    return await withTrashLock(ctx, location, async () => {
      await ctx.audit.append(
        id,
        report.log,
        eventRecord({
          reportId: id,
          action: "delete",
          actor: options.actor ?? ctx.options.actor,
          at,
          payload: { trash_location: location, deleted_at: deletedAt },
          outlineSha256: report.sha,
          requestId: options.requestId,
        }),
      );
      // Committed: the event is durable. A move that fails now is completed by recovery (the
      // next write to the report, or repair: see completeCutDelete), never reported as a failed
      // delete.
      try {
        await moveToTrash(ctx, id, held, location);
      } catch (err) {
        if (!(err instanceof LivingReportsError)) throw err;
        ctx.mended.push({
          report_id: id,
          action: "delete_move_pending",
          file: reportDir(id),
          detail: err.message,
        });
      }
      await indexCommitted(ctx, [indexEntryFor(report.outline, true)]);
      return { report_id: id, title: report.outline.title, deleted_at: deletedAt, location };
    });
  });
}

/**
 * The soft-deleted reports, oldest deletion first: those in the trash, and those whose delete
 * committed but whose move there is pending (see pendingDeletes). Never writes.
 */
export async function trashEntries(ctx: StoreContext): Promise<TrashEntry[]> {
  const inTrash = await listTrash(ctx.backend);
  // A half-durable move can leave the folder in both places: listed once, as in the trash.
  const there = new Set(inTrash.map((e) => e.location));
  const pending = (await pendingDeletes(ctx)).filter((e) => !there.has(e.location));
  return [...inTrash, ...pending].sort((a, b) => instantOf(a.deleted_at) - instantOf(b.deleted_at));
}

/** The reports in the trash (`.trash/`), oldest deletion first. Never writes. */
export async function listTrash(backend: StorageBackend): Promise<TrashEntry[]> {
  const entries: TrashEntry[] = [];
  for (const name of await readdirOrEmpty(backend, TRASH)) {
    const id = trashedReportId(name);
    if (id === undefined) continue;
    const location = `${TRASH}/${name}`;
    entries.push({
      report_id: id,
      title: await trashedTitle(backend, location),
      deleted_at: await deletedAt(backend, location, name),
      location,
    });
  }
  return entries.sort((a, b) => instantOf(a.deleted_at) - instantOf(b.deleted_at));
}

/**
 * Restores the most recently deleted copy of report `id`: records a `status_change`
 * `{ status: "restored", restored_from }` in its log while it is still in the trash, moves it
 * back to `by_id/<id>` (a report lock left inside it is removed durably first), and re-indexes
 * it. The event is the commit point: a restore cut after it (a crash, or a failure here) is
 * completed by recovery and by `repair` (see `recoverTrash`).
 *
 * @throws LivingReportsError NOT_FOUND (nothing in the trash), ALREADY_EXISTS (a live report has
 *   that id), VERSION_CONFLICT
 */
export async function restoreFromTrash(
  ctx: StoreContext,
  id: string,
  options: MutationOptions,
): Promise<Outline> {
  const candidates = (await trashEntries(ctx)).filter((e) => e.report_id === id);
  const entry = candidates.at(-1);
  if (entry === undefined) {
    throw new LivingReportsError(ErrorCode.NOT_FOUND, `report ${id} is not in the trash`, {
      id,
      path: TRASH,
    });
  }
  await ctx.session.beginWrite();
  await completePendingMove(ctx, entry);
  return await withTrashLock(ctx, entry.location, async (held) => {
    if (await pathExists(ctx.backend, reportDir(id))) {
      throw new LivingReportsError(
        ErrorCode.ALREADY_EXISTS,
        `report ${id} exists: cannot restore it from the trash`,
        {
          id,
          path: reportDir(id),
        },
      );
    }
    const bytes = await ctx.backend.readFile(`${entry.location}/outline.json`);
    const outline = parseOutlineBytes(bytes, ctx.options.limits, `${entry.location}/outline.json`);
    checkExpectedVersion(id, outline.outline_version, options.expectedVersion);
    const log = new AuditLog(held, `${entry.location}/audit.jsonl`);
    try {
      const read = await log.open({ repairTail: true });
      // A restore cut after its event (it failed, or crashed) is finished, not logged twice.
      const cut = moveIntentOf(read.lines.at(-1)?.record, entry.location) === "restore";
      if (!cut)
        await log.append(
          eventRecord({
            reportId: id,
            action: "status_change",
            actor: options.actor ?? ctx.options.actor,
            at: ctx.options.now(),
            payload: { status: "restored", restored_from: entry.location },
            outlineSha256: sha256Hex(bytes),
            requestId: options.requestId,
          }),
        );
    } finally {
      await log.close();
    }
    await removeStrayLocks(ctx.backend, entry.location);
    await held.rename(entry.location, reportDir(id));
    await ctx.backend.syncDir(BY_ID);
    await ctx.backend.syncDir(TRASH);
    await indexCommitted(ctx, [indexEntryFor(outline)]);
    return outline;
  });
}

/**
 * Removes trashed reports for good (recursively, through the backend); with `olderThanDays`,
 * only those deleted at least that long ago. A delete whose move is pending is moved first.
 *
 * @returns the ids purged
 */
export async function purgeTrash(ctx: StoreContext, olderThanDays: number | undefined): Promise<string[]> {
  if (olderThanDays !== undefined && !(Number.isFinite(olderThanDays) && olderThanDays >= 0)) {
    throw invalidInput(`olderThanDays must be a number ≥ 0, got ${olderThanDays}`);
  }
  await ctx.session.beginWrite();
  const cutoff = ctx.options.now().getTime() - (olderThanDays ?? 0) * 86_400_000;
  const purged: string[] = [];
  for (const entry of await trashEntries(ctx)) {
    if (olderThanDays !== undefined && !(instantOf(entry.deleted_at) <= cutoff)) continue;
    await completePendingMove(ctx, entry);
    const removed = await withTrashLock(ctx, entry.location, async (held) => {
      try {
        await removeTree(held, entry.location);
        return true;
      } catch (err) {
        // Restored (or purged) by another writer since it was listed: nothing left to purge.
        if (isLivingReportsError(err, ErrorCode.NOT_FOUND)) return false;
        throw err;
      }
    });
    if (removed) purged.push(entry.report_id);
  }
  if (purged.length > 0) await ctx.backend.syncDir(TRASH);
  return purged;
}

/**
 * Moves a deleted report into the trash entry its delete event names when that move is pending
 * (see pendingDeletes): the report's recovery under its lock completes it, and then finds no
 * report, which is the point. Nothing when the entry is there.
 */
async function completePendingMove(ctx: StoreContext, entry: TrashEntry): Promise<void> {
  if (await pathExists(ctx.backend, entry.location)) return;
  await withReportLock(ctx, entry.report_id, async () => undefined).catch((err: unknown) => {
    if (!isLivingReportsError(err, ErrorCode.NOT_FOUND)) throw err;
  });
}

async function freeTrashName(backend: StorageBackend, id: string, at: Date): Promise<string> {
  const taken = new Set(await readdirOrEmpty(backend, TRASH));
  const base = `${id}_${compactStamp(at)}`;
  let name = base;
  for (let n = 2; taken.has(name) || taken.has(`${name}.lock`); n++) name = `${base}_${n}`;
  return name;
}

async function trashedTitle(backend: StorageBackend, location: string): Promise<string> {
  try {
    const value: unknown = JSON.parse(
      new TextDecoder().decode(await backend.readFile(`${location}/outline.json`)),
    );
    const title = (value as { title?: unknown } | null)?.title;
    return typeof title === "string" ? title : "";
  } catch (err) {
    // A damaged trashed outline is still listed (it can be purged); it just has no title to show.
    if (err instanceof SyntaxError || isLivingReportsError(err, ErrorCode.NOT_FOUND)) return "";
    throw err;
  }
}

async function deletedAt(backend: StorageBackend, location: string, name: string): Promise<string> {
  try {
    const { lines } = parseAuditLog(await backend.readFile(`${location}/audit.jsonl`));
    for (let i = lines.length - 1; i >= 0; i--) {
      const record = lines[i]!.record;
      const at = (record.payload as Record<string, unknown> | undefined)?.deleted_at;
      if (record.action_type === "delete" && typeof at === "string") return at;
    }
  } catch (err) {
    if (!isLivingReportsError(err, ErrorCode.NOT_FOUND)) throw err;
  }
  const stamp = parseCompactStamp(name.slice(37).split("_")[0] ?? "");
  return isoTimestamp(stamp ?? new Date(0));
}
