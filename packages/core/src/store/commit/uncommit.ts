import type { StorageBackend } from "../../backend/storageBackend.js";
import { atomicReplace } from "../../durable/index.js";
import { ErrorCode } from "../../errors/errorCodes.js";
import { isLivingReportsError, LivingReportsError } from "../../errors/livingReportsError.js";
import type { StoreContext } from "../shared/context.js";
import { auditPath, backupPath, backupsDir, outlinePath, reportDir } from "../shared/layout.js";

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
 * Reads the outline first and rewrites it (atomic replace, directory synced) only when it is not
 * `previous` already, so a failure before the rename costs one read. Once the outline is back,
 * the commit's backup is removed too ({@link discardBackup}), so that the store is unchanged.
 *
 * @param cause - the commit's failure, which stays the verdict when the rollback succeeds
 * @throws LivingReportsError `cause` after a successful rollback; when the rollback itself fails,
 *   that error's code with `cause` in `details`: the outline may then hold the new content without
 *   its event, which the next write's recovery rolls forward as a cut commit (before-or-after,
 *   as after a crash), from the backup, which is therefore kept
 */
export async function rollBackUpdate(
  ctx: StoreContext,
  id: string,
  held: StorageBackend,
  previous: Uint8Array,
  backup: MadeBackup,
  cause: unknown,
): Promise<never> {
  try {
    if (!(await holds(ctx, outlinePath(id), previous))) {
      await atomicReplace(held, outlinePath(id), previous);
    }
  } catch (err) {
    throw rollbackFailed(id, outlinePath(id), err, cause);
  }
  await discardBackup(ctx, id, held, backup);
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
 * report is not found, as if the create never ran. The empty folder left is an incomplete create
 * that `repair` and recovery remove.
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
  } catch (err) {
    throw rollbackFailed(id, reportDir(id), err, cause);
  }
  throw cause;
}

async function holds(ctx: StoreContext, path: string, expected: Uint8Array): Promise<boolean> {
  let current: Uint8Array;
  try {
    current = await ctx.backend.readFile(path);
  } catch (err) {
    // Unreadable or missing: what is there is unknown, so it is rewritten.
    if (err instanceof LivingReportsError) return false;
    throw err;
  }
  return current.length === expected.length && current.every((b, i) => b === expected[i]);
}

async function unlinkIfPresent(backend: StorageBackend, path: string): Promise<void> {
  try {
    await backend.unlink(path);
  } catch (err) {
    if (!isLivingReportsError(err, ErrorCode.NOT_FOUND)) throw err;
  }
}

function rollbackFailed(id: string, path: string, err: unknown, cause: unknown): LivingReportsError {
  const code = err instanceof LivingReportsError ? err.code : ErrorCode.STORAGE_FAILURE;
  const why = cause instanceof Error ? cause.message : String(cause);
  return new LivingReportsError(
    code,
    `report ${id}: the commit failed (${why}) and so did its rollback; the next write recovers it`,
    { id, path, cause: err, details: { commitError: why } },
  );
}
