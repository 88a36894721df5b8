import { atomicReplace, backupName, makeBackup } from "../../durable/index.js";
import { ErrorCode } from "../../errors/errorCodes.js";
import { isLivingReportsError, LivingReportsError } from "../../errors/livingReportsError.js";
import type { ActionType, Outline } from "../../schema/index.js";
import { encodeCheckedOutline, validateOutlineBytes } from "../../schema/outlineCodec.js";
import { sha256Hex } from "../../util/hash.js";
import { eventRecord } from "../audit/auditEvents.js";
import { indexEntryFor } from "../index/indexLines.js";
import { indexCommitted } from "../index/indexUpkeep.js";
import type { HeldReportLock } from "../locking/reportLock.js";
import type { RecoveredReport } from "../recovery/reportRecovery.js";
import type { StoreContext } from "../shared/context.js";
import { checkExpectedVersion } from "../shared/inputChecks.js";
import { backupPath, backupsDir, outlinePath } from "../shared/layout.js";
import { isoTimestamp } from "../shared/timestamps.js";
import type { MutationOptions } from "../shared/types.js";
import { withReportLock } from "./reportTransaction.js";
import { discardBackup, type MadeBackup, rollBackUpdate } from "./uncommit.js";

/** A change to commit: the next outline (the store sets its version and `updated_at`) and its event. */
export interface PlannedChange {
  outline: Outline;
  /**
   * The outline passed `validateOutline` already (the caller's input, validated before the lock
   * was taken): only its size is checked again, so an update is validated once.
   */
  validated?: boolean;
  action: ActionType;
  /** The event payload, given the name of the backup of the state before the change. */
  payload: (backupFilename: string) => Record<string, unknown>;
}

/**
 * Commits a change of an existing report by the protocol of docs/DESIGN.md#the-commit-protocol-one-change-of-an-existing-report, under its lock:
 * recover; check `expectedVersion` (VERSION_CONFLICT, nothing written); plan and validate the
 * next outline fully (nothing written if it fails); hard-link the current outline into
 * `backups/`; atomically replace the outline (`outline_version` + 1, `updated_at` now); append
 * the audit event (`backup_filename`, `outline_version`, `outline_sha256` of the bytes written;
 * one datasync); append the index line (no fsync: rebuilt after a crash); prune backups beyond
 * the retention. Resolves once the outline, backup and event are durable (G2).
 *
 * Failure (docs/GUARANTEES.md#bad-input): until the event is durable, a failure rejects and rolls the
 * outline back to its previous bytes and removes the backup it made (see {@link rollBackUpdate};
 * a failed rollback surfaces, and the next write recovers it as a crash's cut commit). Once the event is durable the change is
 * committed and resolves: an index failure marks the index stale (rebuilt by the next write, or
 * by recovery after a crash), a pruning failure is recorded in the store's `mended` lines.
 *
 * @throws LivingReportsError NOT_FOUND, VERSION_CONFLICT, INVALID_OUTLINE, TOO_LARGE, TOO_DEEP,
 *   LOCK_TIMEOUT, LOCK_COMPROMISED, or what `plan` throws, or a storage error
 */
export async function commitChange(
  ctx: StoreContext,
  id: string,
  options: MutationOptions,
  plan: (report: RecoveredReport) => PlannedChange | Promise<PlannedChange>,
): Promise<Outline> {
  return await withReportLock(ctx, id, async (report, held) => {
    checkExpectedVersion(id, report.outline.outline_version, options.expectedVersion);
    const change = await plan(report);
    const at = ctx.options.now();
    const draft: Outline = {
      ...change.outline,
      outline_version: report.outline.outline_version + 1,
      updated_at: isoTimestamp(at),
    };
    const { outline: next, bytes } =
      change.validated === true
        ? { outline: draft, bytes: encodeCheckedOutline(draft, ctx.options.limits, outlinePath(id)) }
        : validateOutlineBytes(draft, ctx.options.limits, outlinePath(id));
    const made = await backUpCurrent(ctx, report, held, at);
    const backup = made.name;
    const sha = sha256Hex(bytes);
    try {
      await atomicReplace(held, outlinePath(id), bytes);
      made.appendTried = true;
      await ctx.audit.append(
        id,
        report.log,
        eventRecord({
          reportId: id,
          action: change.action,
          actor: options.actor ?? ctx.options.actor,
          at,
          payload: {
            ...change.payload(backup),
            backup_filename: backup,
            outline_version: next.outline_version,
          },
          outlineSha256: sha,
          requestId: options.requestId,
        }),
      );
    } catch (err) {
      // Not committed (no durable event), so readers must see the previous outline again and
      // the backup goes; the failed log is dropped by withReportLock and reopened (torn tail
      // cut) by the next write.
      return await rollBackUpdate(ctx, id, held, report.bytes, made, err);
    }
    // Committed: nothing after this point may fail the operation (a retry would apply it twice).
    ctx.audit.rememberOutline(id, sha, next);
    await indexCommitted(ctx, [indexEntryFor(next)]);
    await pruneAfterCommit(ctx, report, held, sha, options);
    return next;
  });
}

/**
 * Backs up the current outline under a fresh name for `at` (hard link + sync of `backups/`).
 * The folder is not listed first: the name is checked by the link itself, and only when it is
 * taken is the folder listed and a name free among all of them chosen, as listing first would.
 *
 * @throws LivingReportsError ALREADY_EXISTS when the name chosen after listing is taken too (a
 *   concurrent writer), or the link / directory sync error (the link made is removed first)
 */
async function backUpCurrent(
  ctx: StoreContext,
  report: RecoveredReport,
  held: HeldReportLock,
  at: Date,
): Promise<MadeBackup> {
  let taken = report.backups.known;
  for (let listed = false; ; listed = true) {
    const made: MadeBackup = { name: backupName(at, taken), appendTried: false };
    try {
      await makeBackup(held, outlinePath(report.id), backupPath(report.id, made.name));
      report.backups.add(made.name);
      return made;
    } catch (err) {
      const exists = isLivingReportsError(err, ErrorCode.ALREADY_EXISTS);
      // Only a backup this call made is ours to remove. The name was chosen without listing the
      // folder, so a link that failed (EIO, ENOSPC, ...) may have hit a name an acknowledged backup
      // holds: removing it would lose that backup (G4). With hard links, the link was made exactly
      // when the failure is the directory sync after it; a copy refuses an existing name first.
      // A lost lock (LOCK_COMPROMISED, checked by `held` before the link or the copy's rename)
      // made nothing.
      const ours =
        !exists &&
        !isLivingReportsError(err, ErrorCode.LOCK_COMPROMISED) &&
        (!ctx.backend.capabilities.hardLinks || isLivingReportsError(err, ErrorCode.FSYNC_FAILED));
      if (ours) await discardBackup(ctx, report.id, held, made);
      if (!exists || listed) throw err;
      taken = await report.backups.list();
    }
  }
}

/**
 * Prunes after a committed change; a failure is recorded in `ctx.mended` (`prune_failed`), never
 * thrown: the change is committed, and the backups left are only more than the retention keeps.
 * The log is dropped from the cache, since a failed `backup` event leaves it refusing appends.
 */
async function pruneAfterCommit(
  ctx: StoreContext,
  report: RecoveredReport,
  held: HeldReportLock,
  sha: string,
  options: MutationOptions,
): Promise<void> {
  try {
    await pruneBackups(ctx, report, held, sha, options);
  } catch (err) {
    if (!(err instanceof LivingReportsError)) throw err;
    await ctx.audit.evict(report.id);
    ctx.mended.push({
      report_id: report.id,
      action: "prune_failed",
      file: backupsDir(report.id),
      detail: err.message,
    });
  }
}

/**
 * Removes the oldest backups beyond `backupRetention` and records them in a `backup` event
 * `{ pruned: [...] }` (so that verify knows they are gone on purpose, G4). The event is
 * appended before the files are removed: a crash in between leaves backups that are recorded
 * as pruned but still exist, never one that is missing without a record.
 */
async function pruneBackups(
  ctx: StoreContext,
  report: RecoveredReport,
  held: HeldReportLock,
  sha: string,
  options: MutationOptions,
): Promise<void> {
  const keep = ctx.options.backupRetention;
  if (keep === undefined) return;
  const all = await report.backups.list();
  if (all.size <= keep) return;
  const names = [...all].sort();
  const pruned = names.slice(0, names.length - keep);
  await ctx.audit.append(
    report.id,
    report.log,
    eventRecord({
      reportId: report.id,
      action: "backup",
      actor: options.actor ?? ctx.options.actor,
      at: ctx.options.now(),
      payload: { pruned, retention: keep },
      outlineSha256: sha,
      requestId: options.requestId,
    }),
  );
  for (const name of pruned) {
    await held.unlink(backupPath(report.id, name));
    report.backups.delete(name);
  }
  await ctx.backend.syncDir(backupsDir(report.id));
}
