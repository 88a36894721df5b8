import type { StorageBackend } from "../../backend/storageBackend.js";
import { ErrorCode } from "../../errors/errorCodes.js";
import { isLivingReportsError, LivingReportsError } from "../../errors/livingReportsError.js";
import type { StoreContext } from "../shared/context.js";
import { auditPath, backupPath, backupsDir, outlinePath, reportDir } from "../shared/layout.js";
import { holdsBytes, type Restored, restoreOutline } from "./restoreOutline.js";

/** The backup a failed commit made, for {@link rollBackUpdate} to remove. */
export interface MadeBackup {
  /** The backup's file name in `backups/`. */
  name: string;
  /** Whether the commit got as far as appending its event (which may then name the backup). */
  appendTried: boolean;
}

/**
 * Undoes an update whose outline rename happened (or may have) but whose audit event is not
 * durable: the operation is reported failed, so readers must see the previous outline again.
 * Reads the outline first and restores it only when it is not `previous` already, so a failure
 * before the rename costs one read. The restore allocates nothing where it can (see
 * {@link restoreOutline}: the commit's backup is the previous outline's inode), so an ENOSPC at
 * the audit append is rolled back on the full disk. Once the outline is back, the commit's backup
 * is removed too ({@link discardBackup}), so that the store is unchanged.
 *
 * @param cause - the commit's failure, which stays the verdict when the rollback succeeds
 * @throws LivingReportsError `cause` after a successful rollback; when the rollback itself fails,
 *   that error's code with `cause` in `details` and `details.cutCommit: true`: the outline may
 *   then hold the new content without its event, exactly the state of a commit cut by a crash
 *   after its rename, which recovery (the next write to the report, or `repair`) rolls forward as
 *   that operation (before-or-after, G9: never a manual edit), from the backup, which is kept
 */
export async function rollBackUpdate(
  ctx: StoreContext,
  id: string,
  held: StorageBackend,
  previous: Uint8Array,
  backup: MadeBackup,
  cause: unknown,
): Promise<never> {
  let restored: Restored | "unchanged" = "unchanged";
  try {
    if (!(await holdsBytes(ctx.backend, outlinePath(id), previous))) {
      const mayConsume = async () => !(backup.appendTried && (await logMentions(ctx, id, backup.name)));
      restored = await restoreOutline(ctx, id, held, previous, backup.name, mayConsume);
    }
  } catch (err) {
    throw rollbackFailed(id, outlinePath(id), err, cause);
  }
  // A backup moved back over the outline is gone already.
  if (restored !== "moved") await discardBackup(ctx, id, held, backup);
  throw cause;
}

/**
 * Removes the backup of a commit that is reported failed, then syncs `backups/`: no event names
 * it, and a failed operation must leave the store unchanged. Kept instead when an event may name
 * it (the failed append's line is still in the log: its truncation failed too) or when the lock
 * is no longer safely held. Best effort: the commit's own error is the verdict, so a backup that
 * could not be removed (or its directory not synced) is recorded in `ctx.mended`, never thrown;
 * an extra backup loses nothing.
 */
export async function discardBackup(
  ctx: StoreContext,
  id: string,
  held: StorageBackend,
  backup: MadeBackup,
): Promise<void> {
  const path = backupPath(id, backup.name);
  try {
    if (backup.appendTried && (await logMentions(ctx, id, backup.name))) {
      ctx.mended.push({
        report_id: id,
        action: "kept_backup_of_failed_commit",
        file: path,
        detail: "named in the log",
      });
      return;
    }
    await unlinkIfPresent(held, path);
    await ctx.backend.syncDir(backupsDir(id));
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    ctx.mended.push({ report_id: id, action: "kept_backup_of_failed_commit", file: path, detail: why });
  }
}

/** Whether report `id`'s log holds `name` anywhere (a line left by a failed append may name it). */
async function logMentions(ctx: StoreContext, id: string, name: string): Promise<boolean> {
  let bytes: Uint8Array;
  try {
    bytes = await ctx.backend.readFile(auditPath(id));
  } catch (err) {
    if (isLivingReportsError(err, ErrorCode.NOT_FOUND)) return false;
    throw err;
  }
  // Backup names are ASCII, so a lenient decode finds them even in a log with damaged bytes.
  return new TextDecoder().decode(bytes).includes(name);
}

/**
 * Undoes a create whose outline was written but whose first audit event is not durable: removes
 * `outline.json` and the log (it holds no acknowledged line: this was its first append), so the
 * report is not found, as if the create never ran, and its empty `backups/`. The caller removes
 * the folder itself once it released the lock (which lives in it); a folder a crash leaves is an
 * abandoned create that recovery and `repair` remove.
 *
 * @throws LivingReportsError as {@link rollBackUpdate}; a failed removal leaves a report without
 *   history (outline only), which recovery keeps as a legacy-like report
 */
export async function rollBackCreate(
  ctx: StoreContext,
  id: string,
  held: StorageBackend,
  cause: unknown,
): Promise<never> {
  try {
    for (const path of [outlinePath(id), auditPath(id)]) await unlinkIfPresent(held, path);
    await ctx.backend.syncDir(reportDir(id));
    await rmdirIfPresent(held, backupsDir(id));
  } catch (err) {
    throw rollbackFailed(id, reportDir(id), err, cause, CREATE_LEFT);
  }
  throw cause;
}

async function rmdirIfPresent(backend: StorageBackend, path: string): Promise<void> {
  try {
    await backend.rmdir(path);
  } catch (err) {
    if (!isLivingReportsError(err, ErrorCode.NOT_FOUND)) throw err;
  }
}

async function unlinkIfPresent(backend: StorageBackend, path: string): Promise<void> {
  try {
    await backend.unlink(path);
  } catch (err) {
    if (!isLivingReportsError(err, ErrorCode.NOT_FOUND)) throw err;
  }
}

/** What a failed rollback of an update leaves (for its error message). */
const UPDATE_LEFT =
  "the new outline may be live without its audit event, as after a crash; the next write to it " +
  "(or repair) records it as the operation it was";
/** What a failed rollback of a create leaves. */
const CREATE_LEFT =
  "the new report may be left without its first event; the next write to it (or repair) records " +
  "its creation, or removes it when it holds no outline";

function rollbackFailed(
  id: string,
  path: string,
  err: unknown,
  cause: unknown,
  left = UPDATE_LEFT,
): LivingReportsError {
  const code = err instanceof LivingReportsError ? err.code : ErrorCode.STORAGE_FAILURE;
  const why = cause instanceof Error ? cause.message : String(cause);
  const undo = err instanceof Error ? err.message : String(err);
  return new LivingReportsError(
    code,
    `report ${id}: the commit failed (${why}) and so did its rollback (${undo}): ${left}`,
    { id, path, cause: err, details: { commitError: why, cutCommit: true } },
  );
}
