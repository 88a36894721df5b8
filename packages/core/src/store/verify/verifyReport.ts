import type { OutlineLimits } from "../../schema/index.js";
import { judgeOutline, loggedShasOf } from "../audit/outlineVerdict.js";
import { backupsInLog } from "../recovery/rollForward.js";
import { backupsDir, outlinePath, reportDir } from "../shared/layout.js";
import { pendingDeleteLocation } from "../shared/trashNames.js";
import { type CheckedAudit, checkAudit } from "./checkAudit.js";
import { checkBackups } from "./checkBackups.js";
import { checkLeftovers, type StalenessClock } from "./checkLeftovers.js";
import { checkOutline, type OutlineState } from "./checkOutline.js";
import { checkOutlineHash, checkVersionSequence } from "./checkVersions.js";
import { VerifyCode } from "./problemCodes.js";
import type { ProblemList } from "./problemList.js";
import type { ReadOnlyAccess } from "./readOnlyAccess.js";

/**
 * The outline the report commits, as readers see it: the file, or, when the file is behind a log
 * head that carries the outline (audit/outlineVerdict.ts), the outline from the log, the file's
 * problems then taken back and a notice (OUTLINE_BEHIND_LOG) listed instead.
 */
function committedOutline(
  problems: ProblemList,
  id: string,
  file: OutlineState,
  audit: CheckedAudit,
  limits: OutlineLimits,
  afterCrash: boolean,
): OutlineState {
  // A file present but not read (not a regular file, unreadable) is not judged: its problem stands.
  if (file.present && file.bytes === null) return file;
  const verdict = judgeOutline(file.bytes, audit.tail, loggedShasOf(audit), limits, afterCrash);
  if (verdict.kind !== "behind") return file;
  problems.withdraw([VerifyCode.OUTLINE_MISSING, VerifyCode.OUTLINE_INVALID], outlinePath(id));
  problems.note(
    VerifyCode.OUTLINE_BEHIND_LOG,
    `outline.json is behind the log (${verdict.found}); the committed version ${verdict.logged.outline.outline_version} is in the log and is rolled forward by the next write or open`,
    { report_id: id, file: outlinePath(id) },
  );
  return { present: true, bytes: verdict.logged.bytes, outline: verdict.logged.outline };
}

/** What every per-report check needs. */
export interface ReportCheckContext {
  access: ReadOnlyAccess;
  problems: ProblemList;
  limits: OutlineLimits;
  clock: StalenessClock;
  /** A crashed session not yet recovered: files written after their commit point may be torn. */
  afterCrash: boolean;
}

/** What one report's checks found that the index check needs. */
export interface ReportVerdict extends OutlineState {
  /** The log ends with the report's `delete` event: a delete whose move is pending. */
  deletePending: boolean;
}

/**
 * Runs every check of one report folder `by_id/<id>` (the id already known to be a valid report
 * id): the outline (G1), the audit log (G3), versions (G6), the outline hash (G9), backups (G4),
 * and what crashes leave in the folder and in `backups/` (temp files, stale locks).
 *
 * @returns what was read of the outline, and whether a delete's move is pending, for the index check
 */
export async function verifyReport(ctx: ReportCheckContext, id: string): Promise<ReportVerdict> {
  const { access, problems, limits, clock } = ctx;
  const file = await checkOutline(access, problems, id, limits);
  const audit = await checkAudit(access, problems, id, file.present);
  const outline = committedOutline(problems, id, file, audit, limits, ctx.afterCrash);
  const { events } = audit;
  checkVersionSequence(problems, id, events, outline);
  checkOutlineHash(problems, id, events, outline);
  await checkBackups(access, problems, id, events, limits, backupsInLog(audit.lines));
  const site = { report_id: id };
  await checkLeftovers(access, problems, reportDir(id), clock, site);
  if ((await access.stat(backupsDir(id), site))?.kind === "directory") {
    await checkLeftovers(access, problems, backupsDir(id), clock, site);
  }
  const location = pendingDeleteLocation(audit.lines.at(-1)?.record, id);
  if (location !== undefined) {
    problems.note(
      VerifyCode.DELETE_MOVE_PENDING,
      `deleted (its log ends with the delete event) but still in by_id/: the move to ${location} is completed by the next write to the report or by repair`,
      site,
    );
  }
  return { ...outline, deletePending: location !== undefined };
}
