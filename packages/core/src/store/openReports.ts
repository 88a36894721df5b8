import type { StorageBackend } from "../backend/storageBackend.js";
import { ErrorCode } from "../errors/errorCodes.js";
import { LivingReportsError } from "../errors/livingReportsError.js";
import { createLockManager } from "../lock/createLockManager.js";
import { AuditLogCache } from "./audit/auditCache.js";
import { rebuildIndex, reportIds } from "./index/rebuildIndex.js";
import { ReportIndex } from "./index/reportIndex.js";
import { ReportLeases } from "./locking/reportLeases.js";
import { recoverAllReports } from "./recovery/storeRecovery.js";
import { recoverTrash } from "./recovery/trashRecovery.js";
import { OpenReportStore } from "./reportStore.js";
import { claimCrashedSessions } from "./session/crashedSessions.js";
import { WriterSession } from "./session/writerSession.js";
import { resolveOptions, type StoreContext } from "./shared/context.js";
import { ensureDirectory } from "./shared/files.js";
import { readRootKind, writeFormatMarker } from "./shared/formatMarker.js";
import { BY_ID, SESSIONS } from "./shared/layout.js";
import type { Mended, OpenReportsOptions, ReportStore } from "./shared/types.js";

/**
 * Opens the report store at the backend's root.
 *
 * Opening reads; it writes only to mend: when a writer crashed (its session lock in `.sessions/`
 * is stale, so a crash is recovered once its session lock has gone stale), every report is
 * recovered under its lock (temp files, torn tails, cut commits, manual edits), the index is
 * rebuilt and the stale sessions are removed; the index is also rebuilt when a line of it does
 * not parse, it names a live report that does not exist, or it is missing while reports exist.
 * All of it is reported in `store.recovery`. A `readOnly` store writes nothing, ever.
 *
 * @throws LivingReportsError NOT_FOUND when the root holds no store (unless `create`);
 *   UNSUPPORTED_FORMAT for a newer FORMAT; CORRUPT_FILE for a FORMAT that is not one;
 *   INVALID_INPUT for bad options; storage and lock errors of the recovery
 */
export async function openReports(
  backend: StorageBackend,
  options: OpenReportsOptions = {},
): Promise<ReportStore> {
  const resolved = resolveOptions(options);
  let kind = await readRootKind(backend);
  if (kind === "none" && (options.create !== true || resolved.readOnly)) {
    throw new LivingReportsError(
      ErrorCode.NOT_FOUND,
      "no report store at this root (open with create: true to make one)",
      {
        path: "",
      },
    );
  }
  if ((kind === "none" || kind === "legacy") && options.create === true && !resolved.readOnly) {
    await ensureDirectory(backend, BY_ID);
    await writeFormatMarker(backend);
    kind = "current";
  }
  const locks = options.lockManager === undefined ? createLockManager(backend) : options.lockManager(backend);
  const mended: Mended[] = [];
  const leases = new ReportLeases(locks.clock, resolved.leaseIdleMs);
  const ctx: StoreContext = {
    backend,
    locks,
    options: resolved,
    index: new ReportIndex(backend, locks, resolved.lock, leases),
    session: new WriterSession(backend, locks, resolved.lock, resolved.readOnly, kind, resolved.strict),
    audit: new AuditLogCache(backend),
    leases,
    mended,
    unsynced: new Map(),
    deferred: new Set(),
  };
  let indexRebuilt = false;
  try {
    if (!resolved.readOnly) indexRebuilt = await recoverAtOpen(ctx);
  } catch (err) {
    await ctx.audit.closeAll();
    await locks.close().catch(() => undefined);
    throw err;
  }
  return new OpenReportStore(ctx, { mended, indexRebuilt });
}

/** Recovers after crashed sessions and checks the index; returns whether the index was rebuilt. */
async function recoverAtOpen(ctx: StoreContext): Promise<boolean> {
  const crashed = await claimCrashedSessions(ctx.backend, ctx.locks, ctx.options.lock);
  if (crashed.length > 0) {
    // Our own session lock first: a crash during this recovery is then found by the next open.
    await ctx.session.beginWrite();
    await recoverAllReports(ctx, ctx.mended);
    const before = ctx.mended.length;
    await recoverTrash(ctx, ctx.mended);
    // A restore completed now brings back files that left before their roll-forward.
    const restored = ctx.mended
      .slice(before)
      .flatMap((m) => (m.action === "completed_restore" && m.report_id !== undefined ? [m.report_id] : []));
    if (restored.length > 0) await recoverAllReports(ctx, ctx.mended, restored);
    await rebuildIndex(ctx, ctx.mended);
    // Releasing (reclaimed) locks removed their folders: made durable, or a power loss brings
    // them back as stale locks.
    await ctx.backend.syncDir("");
    for (const session of crashed) {
      await session.handle?.release();
      ctx.mended.push({ action: "removed_stale_session", file: session.path });
    }
    await ctx.backend.syncDir(SESSIONS);
    // All mended is durable now: the recovery's session ends cleanly (the next write starts one),
    // and no lock is kept past it.
    await ctx.leases.releaseAll();
    await ctx.session.suspend();
    return true;
  }
  const why = await indexDistrust(ctx);
  if (why === undefined) return false;
  await rebuildIndex(ctx, ctx.mended);
  ctx.mended.push({ action: "rebuilt_index", file: "index.jsonl", detail: why });
  return true;
}

/** Why the index cannot be trusted as it stands, if it cannot. */
async function indexDistrust(ctx: StoreContext): Promise<string | undefined> {
  await ctx.index.refresh();
  const bad = ctx.index.problems[0];
  if (bad !== undefined) return `line ${bad.line}: ${bad.message}`;
  const ids = new Set(await reportIds(ctx));
  const entries = ctx.index.all();
  const ghost = entries.find((e) => e.status !== "deleted" && !ids.has(e.report_id));
  if (ghost !== undefined) return `it lists ${ghost.report_id}, which does not exist`;
  if (entries.length === 0 && ids.size > 0) return "it is missing or empty while reports exist";
  return undefined;
}
