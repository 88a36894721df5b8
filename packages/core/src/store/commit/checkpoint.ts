import { LivingReportsError } from "../../errors/livingReportsError.js";
import type { StoreContext } from "../shared/context.js";
import { syncFileAt } from "../shared/files.js";
import { backupPath, backupsDir, outlinePath, reportDir } from "../shared/layout.js";

/** How many files are synced at once: their flushes can share journal commits. */
const PARALLEL_SYNCS = 8;

/**
 * The lazy checkpoint of the log protocol (docs/DESIGN.md#the-commit-protocol-one-change-of-an-existing-report):
 * makes durable what this store's commits wrote after their commit point without a flush, so
 * that after a clean `close()` every file on disk is current and durable, for programs that read
 * the raw files and for the next open (which recovers deeply only after a crash). Per report
 * written: the data of each backup it linked (each the inode of an outline it wrote unsynced) and
 * of `outline.json`, several at a time, then `backups/` and the report's folder. Best effort: a
 * report gone since (deleted) or a failed sync loses nothing acknowledged, as the log holds it all
 * and recovery after a crash rolls the files forward (reportRecovery.ts).
 *
 * @throws only what is not a LivingReportsError (a bug)
 */
export async function checkpoint(ctx: StoreContext): Promise<void> {
  for (const id of [...ctx.unsynced.keys()]) {
    try {
      await checkpointReport(ctx, id);
    } catch (err) {
      if (!(err instanceof LivingReportsError)) throw err;
    }
  }
}

/**
 * The checkpoint of one report (see {@link checkpoint}), also taken before its folder moves as a
 * whole (a delete): the trash keeps the files as they are on disk, where no roll-forward reaches.
 *
 * @throws LivingReportsError a failed sync (the report stays to checkpoint again)
 */
export async function checkpointReport(ctx: StoreContext, id: string): Promise<void> {
  const backups = ctx.unsynced.get(id);
  if (backups === undefined) return;
  const { backend } = ctx;
  const files = [...backups].map((name) => backupPath(id, name));
  files.push(outlinePath(id));
  for (let i = 0; i < files.length; i += PARALLEL_SYNCS) {
    await Promise.all(files.slice(i, i + PARALLEL_SYNCS).map((path) => syncFileAt(backend, path)));
  }
  await backend.syncDir(backupsDir(id));
  await backend.syncDir(reportDir(id));
  ctx.unsynced.delete(id);
}
