import { type AuditLine, atomicReplace } from "../../durable/index.js";
import { sha256Hex } from "../../util/hash.js";
import type { LoggedOutline } from "../audit/outlineVerdict.js";
import type { BackupNames } from "../backups/backupNames.js";
import { indexEntryFor } from "../index/indexLines.js";
import { indexCommitted } from "../index/indexUpkeep.js";
import type { HeldReportLock } from "../locking/reportLock.js";
import type { StoreContext } from "../shared/context.js";
import { backupPath, outlinePath } from "../shared/layout.js";
import type { Mended } from "../shared/types.js";

/**
 * Rolls report `id`'s files forward to the outline its log's head commits (`logged`), found
 * behind (`found`: missing, the previous outline, a fenced-out write's, or torn): `outline.json`
 * by a durable atomic replace, then the index line. Under the report's lock.
 *
 * @throws LivingReportsError the replace's storage or lock error
 */
export async function rollForward(
  ctx: StoreContext,
  id: string,
  held: HeldReportLock,
  logged: LoggedOutline,
  found: string,
  mended: Mended[],
): Promise<void> {
  await atomicReplace(held, outlinePath(id), logged.bytes);
  mended.push({
    report_id: id,
    action: "rolled_forward_commit",
    file: outlinePath(id),
    detail: `to version ${logged.outline.outline_version} from the log (outline.json was ${found})`,
  });
  await indexCommitted(ctx, [indexEntryFor(logged.outline)]);
}

const encoder = new TextEncoder();

/**
 * After a crash: makes again, durably, every backup that a commit of the log protocol named but
 * that is missing or does not hold what it must (it was linked after its commit without a flush,
 * the inode of an outline written without one, and a power loss took or tore it), from the
 * outline the log holds for the state before that commit. Backups pruned since, and backups of
 * commits whose previous outline is not in the log (those were made durable before their commit),
 * are left alone. Lists `backups/` once and reads each such backup: O(backups), run only by the
 * recovery at open after a crash. Under the report's lock.
 *
 * @throws LivingReportsError a storage or lock error of the listing, a read or a write
 */
export async function restoreBackups(
  id: string,
  held: HeldReportLock,
  lines: readonly AuditLine[],
  backups: BackupNames,
  mended: Mended[],
): Promise<void> {
  const wanted = backupsInLog(lines);
  if (wanted.size === 0) return;
  const present = await backups.list();
  for (const [name, state] of wanted) {
    const found = present.has(name) ? await held.readFile(backupPath(id, name)) : undefined;
    if (found !== undefined && sha256Hex(found) === sha256Hex(state)) continue;
    await atomicReplace(held, backupPath(id, name), state);
    backups.add(name);
    mended.push({
      report_id: id,
      action: "restored_backup",
      file: backupPath(id, name),
      detail: `${found === undefined ? "missing" : "torn"} after a crash; made again from the log`,
    });
  }
}

/**
 * The backups that commits of the log protocol named, not pruned since, with the bytes they must
 * hold (the outline committed before, as the log carries it, checked against its hash): those a
 * crash may have taken, and that can be made again. Pure.
 */
export function backupsInLog(lines: readonly AuditLine[]): Map<string, Uint8Array> {
  const wanted = new Map<string, Uint8Array>();
  let state: { sha: string; outline: unknown } | undefined;
  for (const { record, kind } of lines) {
    const payload = (
      typeof record.payload === "object" && record.payload !== null ? record.payload : {}
    ) as Record<string, unknown>;
    const name = payload.backup_filename;
    if (
      kind === "framed" &&
      typeof name === "string" &&
      record.outline !== undefined &&
      record.action_type !== "manual_edit_detected" &&
      state !== undefined
    ) {
      const bytes = encoder.encode(JSON.stringify(state.outline, null, 2));
      if (sha256Hex(bytes) === state.sha) wanted.set(name, bytes);
    }
    if (Array.isArray(payload.pruned))
      for (const n of payload.pruned) if (typeof n === "string") wanted.delete(n);
    const sha = record.outline_sha256;
    if (typeof sha === "string") {
      state =
        record.outline !== undefined
          ? { sha, outline: record.outline }
          : state?.sha === sha
            ? state
            : undefined;
    }
  }
  return wanted;
}
