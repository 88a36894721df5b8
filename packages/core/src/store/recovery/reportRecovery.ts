import {
  type AuditLog,
  type AuditReadResult,
  backupName,
  isTempName,
  makeBackup,
  parseAuditLog,
} from "../../durable/index.js";
import { ErrorCode } from "../../errors/errorCodes.js";
import { isLivingReportsError, LivingReportsError } from "../../errors/livingReportsError.js";
import { type Outline, parseOutlineBytes } from "../../schema/index.js";
import { sha256Hex } from "../../util/hash.js";
import { type CommittedTail, eventRecord } from "../audit/auditEvents.js";
import { describeChange } from "../audit/outlineChange.js";
import { judgeOutline, loggedShasOf } from "../audit/outlineVerdict.js";
import { BackupNames } from "../backups/backupNames.js";
import type { HeldReportLock } from "../locking/reportLock.js";
import type { StoreContext } from "../shared/context.js";
import { ensureDirectory, readFileOrNull, syncFileAt } from "../shared/files.js";
import { notFound } from "../shared/inputChecks.js";
import { auditPath, backupPath, backupsDir, outlinePath, reportDir } from "../shared/layout.js";
import type { Mended } from "../shared/types.js";
import { recordCutCreate } from "./cutCreate.js";
import { completeCutDelete } from "./cutDelete.js";
import { restoreBackups, rollForward } from "./rollForward.js";

/** A report as found (and mended) under its lock: the state a commit starts from. */
export interface RecoveredReport {
  id: string;
  outline: Outline;
  /** The exact bytes of `outline.json`. */
  bytes: Uint8Array;
  sha: string;
  /** The open audit log (owned by the store's cache: append through `ctx.audit.append`). */
  log: AuditLog;
  /** The committed tail after recovery (baseline sha, version counter). */
  tail: CommittedTail;
  /** Names in `backups/`, listed on first use (see {@link BackupNames}). */
  backups: BackupNames;
}

/**
 * How much {@link recoverReport} checks: `leased` (a lock this store kept since its own last
 * commit: only the outline's hash), `fresh` (a lock taken anew: temp files, torn tail, outline),
 * `repair` (also the content of every backup the log can vouch for, see restoreBackups), `deep`
 * (after a crash, at open: as `repair`, and an outline that does not load is taken for a torn
 * write, which a power loss may have left, rather than for a hand edit).
 */
export type RecoveryDepth = "leased" | "fresh" | "repair" | "deep";

/**
 * Recovers one report under its lock (held by the caller) before a write, or at open after a
 * crash: removes orphan temp files, cuts a torn audit tail, makes again the backups that commits
 * of the log protocol named but a crash took or tore (`deep`), then judges the outline
 * against the log's head (G9, audit/outlineVerdict.ts): equal (or no baseline yet: a legacy
 * report) is clean; behind a head that carries its outline (missing, the previous outline, torn)
 * is rolled forward from the log; a strict commit cut between the outline rename and its audit
 * append is rolled forward as the operation it was; anything else is a manual edit, backed up and
 * recorded as `manual_edit_detected`.
 * A delete cut before its folder moved to the trash is completed; a create cut before its event
 * (an outline and an empty log) is rolled forward with a `create` event marked `recovered`.
 *
 * @param mended - receives one line per thing mended
 * @throws LivingReportsError NOT_FOUND for a report that does not exist (or whose delete was
 *   just completed); INVALID_OUTLINE / TOO_LARGE / TOO_DEEP / CORRUPT_FILE naming the file for
 *   an outline that does not load (a manual edit is recorded first and kept as a backup)
 */
export async function recoverReport(
  ctx: StoreContext,
  id: string,
  held: HeldReportLock,
  mended: Mended[],
  depth: RecoveryDepth = "fresh",
): Promise<RecoveredReport> {
  const { backend } = ctx;
  const leased = depth === "leased";
  // Under a lock this store kept since its last commit (leased), no crash can have left temp
  // files or a missing backups/ folder: the folder is not listed.
  const names = leased ? undefined : await readdirOrMissing(ctx, reportDir(id), id);
  const temps = names?.filter(isTempName) ?? [];
  if (temps.length > 0) {
    for (const name of temps) {
      await held.unlink(`${reportDir(id)}/${name}`);
      mended.push({ report_id: id, action: "removed_temp_file", file: `${reportDir(id)}/${name}` });
    }
    await backend.syncDir(reportDir(id));
  }
  if (names !== undefined && !names.includes("backups")) await ensureDirectory(held, backupsDir(id));
  // Opening may cut a torn tail: through the log's view, checked against this lock (pinned).
  const { log, tail, read } = await ctx.audit.open(id, { kept: leased });
  if (read?.tornTail != null) {
    mended.push({
      report_id: id,
      action: "cut_torn_tail",
      file: auditPath(id),
      detail: `${read.tornTail.length} bytes at offset ${read.tornTail.offset}`,
    });
  }
  const last = tail.last?.record;
  if (last?.action_type === "delete") {
    await completeCutDelete(ctx, id, held, last, mended);
    throw notFound(id);
  }
  const file = await readFileOrNull(ctx.backend, outlinePath(id));
  const backups = new BackupNames(backend, backupsDir(id));
  if (tail.last === undefined) {
    if (file === null) throw notFound(id);
    const outline = parseOutlineBytes(file, ctx.options.limits, outlinePath(id));
    const sha = sha256Hex(file);
    await recordCutCreate(ctx, { id, log, outline, sha }, mended);
    return { id, outline, bytes: file, sha, log, tail: currentTail(ctx, id, tail), backups };
  }
  // After a crash, backups linked after their commit without a flush may be gone or torn.
  if (depth === "deep" || depth === "repair")
    await restoreBackups(id, held, read?.lines ?? [], backups, mended);
  let bytes = file;
  if (tail.sha !== null && (file === null || sha256Hex(file) !== tail.sha)) {
    const verdict = judgeOutline(
      file,
      tail,
      loggedShasOf(read ?? (await readLog(ctx, id))),
      ctx.options.limits,
      depth === "deep",
    );
    if (verdict.kind === "behind") {
      await rollForward(ctx, id, held, verdict.logged, verdict.found, mended);
      ctx.audit.rememberOutline(id, tail.sha, verdict.logged.outline);
      bytes = verdict.logged.bytes;
    } else if (verdict.kind === "edited" && file !== null) {
      await reconcile(ctx, { id, held, log, bytes: file, sha: sha256Hex(file), tail, backups }, mended);
    }
  }
  if (bytes === null) throw notFound(id);
  const sha = sha256Hex(bytes);
  // The bytes this store committed last are not parsed again (they were validated then).
  const outline =
    ctx.audit.outlineFor(id, sha) ?? parseOutlineBytes(bytes, ctx.options.limits, outlinePath(id));
  return { id, outline, bytes, sha, log, tail: currentTail(ctx, id, tail), backups };
}

interface Divergence {
  id: string;
  held: HeldReportLock;
  log: AuditLog;
  bytes: Uint8Array;
  sha: string;
  tail: CommittedTail;
  backups: BackupNames;
}

/** Rolls a cut commit forward, or records a manual edit; returns the event appended. */
async function reconcile(ctx: StoreContext, d: Divergence, mended: Mended[]): Promise<void> {
  const cut = await cutCommit(ctx, d);
  const at = ctx.options.now();
  if (cut !== undefined) {
    await ctx.audit.append(
      d.id,
      d.log,
      eventRecord({
        reportId: d.id,
        action: cut.change.action,
        actor: ctx.options.actor,
        at,
        payload: {
          ...cut.change.payload,
          backup_filename: cut.backup,
          outline_version: cut.version,
          recovered: true,
        },
        outlineSha256: d.sha,
      }),
    );
    mended.push({
      report_id: d.id,
      action: "rolled_forward_commit",
      file: outlinePath(d.id),
      detail: `${cut.change.action} to version ${cut.version}`,
    });
    return;
  }
  const name = backupName(at, await d.backups.list());
  // The edit's data and name must be durable before an event vouches for them: an edit written
  // without a flush (and a rename of an earlier commit not yet durable) could otherwise vanish at
  // a crash while the event and its backup, a link to the same inode, survive empty.
  await syncFileAt(ctx.backend, outlinePath(d.id));
  await ctx.backend.syncDir(reportDir(d.id));
  await makeBackup(d.held, outlinePath(d.id), backupPath(d.id, name));
  d.backups.add(name);
  const observedVersion = observedOutlineVersion(d.bytes);
  await ctx.audit.append(
    d.id,
    d.log,
    eventRecord({
      reportId: d.id,
      action: "manual_edit_detected",
      actor: ctx.options.actor,
      at,
      payload: {
        expected_sha256: d.tail.sha,
        observed_sha256: d.sha,
        backup_filename: name,
        ...(observedVersion === undefined ? {} : { outline_version: observedVersion }),
      },
      outlineSha256: d.sha,
    }),
  );
  mended.push({ report_id: d.id, action: "recorded_manual_edit", file: outlinePath(d.id), detail: name });
}

/** The whole log, read again (the outline diverged from a cached log's head: a rare path). */
async function readLog(ctx: StoreContext, id: string): Promise<AuditReadResult> {
  return parseAuditLog((await readFileOrNull(ctx.backend, auditPath(id))) ?? new Uint8Array(0));
}

/** The tail as the cache now holds it (recovery may have appended). */
function currentTail(ctx: StoreContext, id: string, before: CommittedTail): CommittedTail {
  return ctx.audit.tailOf(id) ?? before;
}

/**
 * A commit cut between rename and audit append leaves: the newest backup hashing to the last
 * committed outline, and an outline whose `outline_version` is the committed one + 1.
 */
async function cutCommit(
  ctx: StoreContext,
  d: Divergence,
): Promise<{ backup: string; version: number; change: ReturnType<typeof describeChange> } | undefined> {
  const newest = [...(await d.backups.list())]
    .filter((n) => n.endsWith(".bak"))
    .sort()
    .at(-1);
  if (newest === undefined || d.tail.version === null) return undefined;
  const backupBytes = await ctx.backend.readFile(backupPath(d.id, newest));
  if (sha256Hex(backupBytes) !== d.tail.sha) return undefined;
  let before: Outline;
  let after: Outline;
  try {
    before = parseOutlineBytes(backupBytes, ctx.options.limits);
    after = parseOutlineBytes(d.bytes, ctx.options.limits);
  } catch (err) {
    // An outline that does not load was not written by a commit: treat it as a manual edit.
    if (err instanceof LivingReportsError) return undefined;
    throw err;
  }
  if (after.outline_version !== d.tail.version + 1 || after.report_id !== d.id) return undefined;
  return { backup: newest, version: after.outline_version, change: describeChange(before, after) };
}

function observedOutlineVersion(bytes: Uint8Array): number | undefined {
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(bytes));
    const v = (value as { outline_version?: unknown } | null)?.outline_version;
    return typeof v === "number" ? v : undefined;
  } catch {
    // Unparseable edits are still recorded; they just have no version to note.
    return undefined;
  }
}

async function readdirOrMissing(ctx: StoreContext, dir: string, id: string): Promise<string[]> {
  try {
    return await ctx.backend.readdir(dir);
  } catch (err) {
    if (isLivingReportsError(err, ErrorCode.NOT_FOUND)) throw notFound(id);
    throw err;
  }
}
