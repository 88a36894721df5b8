import { backupName, makeBackup } from "../../durable/index.js";
import { ErrorCode } from "../../errors/errorCodes.js";
import { isLivingReportsError, LivingReportsError } from "../../errors/livingReportsError.js";
import { eventRecord } from "../audit/auditEvents.js";
import type { HeldReportLock } from "../locking/reportLock.js";
import type { RecoveredReport } from "../recovery/reportRecovery.js";
import type { StoreContext } from "../shared/context.js";
import { backupPath, backupsDir, outlinePath } from "../shared/layout.js";
import type { MutationOptions } from "../shared/types.js";
import { discardBackup, type MadeBackup } from "./uncommit.js";

/**
 * Backs up the current outline under a fresh name for `at` (hard link + sync of `backups/`).
 * The folder is not listed first: the name is checked by the link itself, and only when it is
 * taken is the folder listed and a name free among all of them chosen, as listing first would.
 *
 * @throws LivingReportsError ALREADY_EXISTS when the name chosen after listing is taken too (a
 *   concurrent writer), or the link / directory sync error (the link made is removed first)
 */
export async function backUpCurrent(
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
export async function pruneAfterCommit(
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
