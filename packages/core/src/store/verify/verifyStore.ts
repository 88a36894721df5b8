import type { StorageBackend } from "../../backend/storageBackend.js";
import { ErrorCode } from "../../errors/errorCodes.js";
import { LivingReportsError } from "../../errors/livingReportsError.js";
import { DEFAULT_LOCK_OPTIONS } from "../../lock/lockManager.js";
import type { Outline, OutlineLimits } from "../../schema/index.js";
import { assertReportId } from "../../schema/index.js";
import { staleSessionSeen } from "../session/staleSessions.js";
import { reportDir, SESSIONS } from "../shared/layout.js";
import type { Progress, VerifyReport } from "../shared/types.js";
import { checkIndex } from "./checkIndex.js";
import { checkLeftovers, type StalenessClock } from "./checkLeftovers.js";
import { checkRoot } from "./checkRoot.js";
import { checkTrash } from "./checkTrash.js";
import { listReports } from "./listReports.js";
import { ProblemList } from "./problemList.js";
import { ReadOnlyAccess } from "./readOnlyAccess.js";
import { verifyReport } from "./verifyReport.js";

/** Options of {@link verifyStore}. */
export interface VerifyOptions {
  /** Check only this report (and its index entry); otherwise the whole store. */
  reportId?: string;
  /** Outline size and nesting limits (defaults 16 MiB, 64 levels). */
  limits?: OutlineLimits;
  /** Called after each report with `{ phase: "verify", done, total }`. */
  onProgress?: (progress: Progress) => void;
  /** The lock clock's now in ms (default `Date.now`): a virtual clock on memfs. */
  now?: () => number;
  /** A lock older than this is stale (default 10 s, docs/LOCKS.md). */
  staleMs?: number;
}

/**
 * Checks the guarantees of docs/GUARANTEES.md on disk, read-only: it only stats, lists and reads through
 * `backend`, never writes, creates, renames or locks anything, so the tree is byte-identical
 * afterwards. It sees one moment of the disk: run it on a store no one is writing for an exact
 * answer. Every problem found is listed with a stable code ({@link VerifyCode}), its report,
 * file and line where it has them; content never makes it throw.
 *
 * Checked: the root (FORMAT marker, `by_id/`); each report folder (a valid id), its outline (G1),
 * audit log (G3: torn tail, corrupt or glued lines, hash chain, valid events of this report,
 * unique action ids, non-decreasing timestamps), versions (G6), the outline hash against the last
 * commit (G9), backups named by events (G4), temp files and stale locks; a report both live and
 * in the trash (a move cut half-way); then the index (G5).
 *
 * @returns `{ ok, problems, reports }`: `ok` iff no problems; `reports` = report folders checked
 * @throws LivingReportsError INVALID_ID for a bad `reportId` (before any file is touched);
 *   NOT_FOUND when `reportId` has no folder in `by_id/`; a storage failure that prevents reading
 *   the root itself (an unreadable file inside a report is a FILE_UNREADABLE problem instead)
 */
export async function verifyStore(
  backend: StorageBackend,
  options: VerifyOptions = {},
): Promise<VerifyReport> {
  const only = options.reportId === undefined ? undefined : assertReportId(options.reportId);
  const problems = new ProblemList();
  const access = new ReadOnlyAccess(backend, problems);
  if (!(await checkRoot(access, problems))) return report(problems, 0);

  const clock: StalenessClock = {
    now: options.now ?? Date.now,
    staleMs: options.staleMs ?? DEFAULT_LOCK_OPTIONS.staleMs,
  };
  let ids: string[];
  if (only === undefined) {
    await checkLeftovers(access, problems, "", clock);
    if ((await access.stat(SESSIONS))?.kind === "directory")
      await checkLeftovers(access, problems, SESSIONS, clock);
    ids = await listReports(access, problems);
    await checkTrash(access, problems, new Set(ids));
  } else {
    if ((await access.stat(reportDir(only)))?.kind !== "directory") {
      throw new LivingReportsError(ErrorCode.NOT_FOUND, `no report ${only} in this store`, {
        id: only,
        path: reportDir(only),
      });
    }
    ids = [only];
  }

  const outlines = new Map<string, Outline | null>();
  const deletesPending = new Set<string>();
  const afterCrash = await staleSessionSeen(backend, clock.now(), clock.staleMs);
  const ctx = { access, problems, limits: options.limits ?? {}, clock, afterCrash };
  for (const [i, id] of ids.entries()) {
    const state = await verifyReport(ctx, id);
    if (state.present) outlines.set(id, state.outline);
    if (state.deletePending) deletesPending.add(id);
    options.onProgress?.({ phase: "verify", done: i + 1, total: ids.length });
  }
  await checkIndex(access, problems, outlines, deletesPending, only);
  return report(problems, ids.length);
}

function report(problems: ProblemList, reports: number): VerifyReport {
  const list = problems.toArray();
  return { ok: list.length === 0, problems: list, notices: problems.notices(), reports };
}
