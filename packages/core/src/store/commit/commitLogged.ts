import { type AuditLine, atomicReplace, backupNameAfter, makeBackup } from "../../durable/index.js";
import { LivingReportsError } from "../../errors/livingReportsError.js";
import type { Outline } from "../../schema/index.js";
import { indexEntryFor } from "../index/indexLines.js";
import { indexCommitted } from "../index/indexUpkeep.js";
import type { HeldReportLock } from "../locking/reportLock.js";
import type { RecoveredReport } from "../recovery/reportRecovery.js";
import type { StoreContext } from "../shared/context.js";
import { pathExists } from "../shared/files.js";
import { backupPath, outlinePath } from "../shared/layout.js";
import { backUpCurrent, pruneAfterCommit } from "./commitBackups.js";
import { changeRecord, type ReadyChange } from "./readyChange.js";
import { discardBackup, type MadeBackup } from "./uncommit.js";

/**
 * The log as the commit point (docs/DESIGN.md#the-commit-protocol-one-change-of-an-existing-report):
 *
 * 1. When the outline being replaced is not in the log already (the report's first commit by this
 *    protocol, after a strict commit, a manual edit or a Python store), its backup is made
 *    durably first (hard link + sync of `backups/`): the one commit that costs two flushes.
 * 2. The audit event, carrying the new outline (`outline`), is appended and datasynced: the one
 *    flush, and the commit point. The append checks that the record extends the chain's head; a
 *    writer that lost its lock while paused is fenced out there (LOCK_COMPROMISED, nothing
 *    committed, its record skipped by every reader).
 * 3. Then, without flushes and before the call resolves: the backup is linked (when step 1 did
 *    not make it), `outline.json` replaced (temp + rename, not synced), the index line appended,
 *    and the report noted for the checkpoint at `close()`.
 *
 * A crash after step 2 leaves `outline.json`, the backup and the index line possibly behind, torn
 * or missing: readers judge the file against the log's head and see the committed outline, and
 * recovery rolls the files forward from the log (reportRecovery.ts). A failure in step 3 does not
 * fail the call (it committed): it is recorded in `mended` and the next write rolls forward.
 *
 * @throws LivingReportsError LOCK_COMPROMISED (lost lock, or fenced out), or the storage error of
 *   step 1 or 2; nothing is committed then, and a backup step 1 made is removed again
 */
export async function commitLogged(
  ctx: StoreContext,
  report: RecoveredReport,
  held: HeldReportLock,
  ready: ReadyChange,
): Promise<Outline> {
  const { id } = report;
  const { next, bytes, sha, at, options } = ready;
  const previousInLog = report.tail.sha === report.sha && report.tail.logged?.sha === report.sha;
  let made: MadeBackup | undefined;
  let line: AuditLine;
  let backup: string;
  if (previousInLog) backup = await freeBackupName(ctx, report, at);
  else {
    made = await backUpCurrent(ctx, report, held, at);
    backup = made.name;
  }
  try {
    line = await ctx.audit.append(id, report.log, changeRecord(ctx, id, ready, backup, true));
  } catch (err) {
    if (made !== undefined) {
      made.appendTried = true;
      await discardBackup(ctx, id, held, made);
    }
    throw err;
  }
  // Committed: nothing after this point may fail the operation (a retry would apply it twice).
  // The record's outline, parsed back from the line, is the cache's own copy (`next` is the caller's).
  ctx.audit.rememberOutline(id, sha, line.record.outline as Outline);
  await materialise(ctx, report, held, previousInLog ? backup : undefined, bytes);
  await indexCommitted(ctx, [indexEntryFor(next)]);
  await pruneAfterCommit(ctx, report, held, sha, options);
  return next;
}

/**
 * Writes what the log already holds durably: the backup of the outline being replaced (when
 * `backup` is given) and the new `outline.json`, without a flush (see {@link deferOnFailure}).
 */
async function materialise(
  ctx: StoreContext,
  report: RecoveredReport,
  held: HeldReportLock,
  backup: string | undefined,
  bytes: Uint8Array,
): Promise<void> {
  const { id } = report;
  const unsynced = ctx.unsynced.get(id) ?? new Set<string>();
  ctx.unsynced.set(id, unsynced);
  // Each file on its own: a backup that cannot be linked does not keep the outline behind.
  if (backup !== undefined) {
    await deferOnFailure(ctx, id, backupPath(id, backup), async () => {
      await makeBackup(held, outlinePath(id), backupPath(id, backup), { durable: false });
      report.backups.add(backup);
      unsynced.add(backup);
    });
  }
  await deferOnFailure(ctx, id, outlinePath(id), () =>
    atomicReplace(held, outlinePath(id), bytes, {
      syncData: false,
      syncDirectory: false,
      cleanup: ctx.backend,
    }),
  );
}

/**
 * Runs one step of a materialisation; a failure is recorded in `ctx.mended`, never thrown, and
 * the report's log is dropped from the cache and the report marked, so that the next write reads
 * it again and rolls the files forward, backups included (reportRecovery.ts, `repair` depth).
 */
async function deferOnFailure(
  ctx: StoreContext,
  id: string,
  file: string,
  step: () => Promise<void>,
): Promise<void> {
  try {
    await step();
  } catch (err) {
    if (!(err instanceof LivingReportsError)) throw err;
    await ctx.audit.evict(id);
    ctx.deferred.add(id);
    ctx.mended.push({
      report_id: id,
      action: "materialisation_deferred",
      file,
      detail: `committed; the file follows at the next write or recovery: ${err.message}`,
    });
  }
}

/**
 * A backup name for a commit at `at` that sorts after every name the log records and is free in
 * `backups/` (one `stat`; the folder is listed only when that name is taken), since the event
 * names it before the link is made.
 */
async function freeBackupName(ctx: StoreContext, report: RecoveredReport, at: Date): Promise<string> {
  let name = backupNameAfter(at, report.tail.lastBackup);
  if (!report.backups.known.has(name) && !(await pathExists(ctx.backend, backupPath(report.id, name)))) {
    return name;
  }
  const taken = await report.backups.list();
  while (taken.has(name)) name = backupNameAfter(at, name);
  return name;
}
