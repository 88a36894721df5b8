import type { StorageBackend } from "../../backend/storageBackend.js";
import { atomicReplace, tempPathFor } from "../../durable/index.js";
import { isLivingReportsError } from "../../errors/livingReportsError.js";
import type { StoreContext } from "../shared/context.js";
import { backupPath, backupsDir, outlinePath, reportDir } from "../shared/layout.js";

/** How {@link restoreOutline} put the previous outline back. */
export type Restored = "relinked" | "moved" | "rewritten";

/**
 * Puts `previous` (the bytes of report `id`'s outline before a commit that failed) back at
 * `outline.json`, durably, allocating as little as it can: the commit's backup `backupName` is
 * that outline's own inode (a hard link, or a copy where the backend has none), so
 *
 * 1. `relinked`: a second link to the backup under a temp name, renamed over `outline.json` (no
 *    data written; a temp left by a crash is an orphan temp that recovery removes); else, when the
 *    link fails (no inode or directory entry left) or the backend has no hard links,
 * 2. `moved`: the backup itself renamed over `outline.json`, when `mayConsumeBackup` (no log line
 *    names it): the rollback and the backup's removal in one rename; else
 * 3. `rewritten`: an atomic replace with `previous` (needs space for a new file).
 *
 * A backup whose bytes are not `previous` (it cannot be read, or was changed) is never used.
 * On a full disk the first two need no new data block, which is why an ENOSPC at the audit
 * append can still be rolled back (a command then either changes nothing and fails, or commits).
 *
 * @returns how it was done; after `moved` the backup is gone
 * @throws LivingReportsError when every way failed (the last one's error), or a directory sync
 *   failed after the outline was put back
 */
export async function restoreOutline(
  ctx: StoreContext,
  id: string,
  held: StorageBackend,
  previous: Uint8Array,
  backupName: string,
  mayConsumeBackup: () => Promise<boolean>,
): Promise<Restored> {
  const backup = backupPath(id, backupName);
  if (await holdsBytes(ctx.backend, backup, previous)) {
    if (ctx.backend.capabilities.hardLinks && (await relink(held, backup, outlinePath(id)))) {
      await held.syncDir(reportDir(id));
      return "relinked";
    }
    if (await mayConsumeBackup()) {
      let moved = true;
      try {
        await held.rename(backup, outlinePath(id));
      } catch (err) {
        if (!isLivingReportsError(err)) throw err;
        moved = false;
      }
      if (moved) {
        // The outline's folder first: until it is durable a crash may bring back the new outline,
        // which recovery rolls forward only while the backup is still there to vouch for it.
        await held.syncDir(reportDir(id));
        await held.syncDir(backupsDir(id));
        return "moved";
      }
    }
  }
  await atomicReplace(held, outlinePath(id), previous);
  return "rewritten";
}

/** Links `backup` to a temp name and renames it over `target`; false (temp removed) when either fails. */
async function relink(held: StorageBackend, backup: string, target: string): Promise<boolean> {
  const temp = tempPathFor(target);
  try {
    await held.link(backup, temp);
  } catch (err) {
    if (!isLivingReportsError(err)) throw err;
    return false;
  }
  try {
    await held.rename(temp, target);
    return true;
  } catch (err) {
    if (!isLivingReportsError(err)) throw err;
    await held.unlink(temp).catch(() => undefined);
    return false;
  }
}

/** Whether the file at `path` holds exactly `expected` (false when it cannot be read). */
export async function holdsBytes(
  backend: StorageBackend,
  path: string,
  expected: Uint8Array,
): Promise<boolean> {
  let current: Uint8Array;
  try {
    current = await backend.readFile(path);
  } catch (err) {
    if (isLivingReportsError(err)) return false;
    throw err;
  }
  return current.length === expected.length && current.every((b, i) => b === expected[i]);
}
