import type { OutlineLimits } from "../../schema/index.js";
import { backupsDir, reportDir } from "../shared/layout.js";
import { checkAudit } from "./checkAudit.js";
import { checkBackups } from "./checkBackups.js";
import { checkLeftovers, type StalenessClock } from "./checkLeftovers.js";
import { checkOutline, type OutlineState } from "./checkOutline.js";
import { checkOutlineHash, checkVersionSequence } from "./checkVersions.js";
import type { ProblemList } from "./problemList.js";
import type { ReadOnlyAccess } from "./readOnlyAccess.js";

/** What every per-report check needs. */
export interface ReportCheckContext {
  access: ReadOnlyAccess;
  problems: ProblemList;
  limits: OutlineLimits;
  clock: StalenessClock;
}

/**
 * Runs every check of one report folder `by_id/<id>` (the id already known to be a valid report
 * id): the outline (G1), the audit log (G3), versions (G6), the outline hash (G9), backups (G4),
 * and what crashes leave in the folder and in `backups/` (temp files, stale locks).
 *
 * @returns what was read of the outline, for the index check
 */
export async function verifyReport(ctx: ReportCheckContext, id: string): Promise<OutlineState> {
  const { access, problems, limits, clock } = ctx;
  const outline = await checkOutline(access, problems, id, limits);
  const events = await checkAudit(access, problems, id, outline.present);
  checkVersionSequence(problems, id, events, outline);
  checkOutlineHash(problems, id, events, outline);
  await checkBackups(access, problems, id, events, limits);
  const site = { report_id: id };
  await checkLeftovers(access, problems, reportDir(id), clock, site);
  if ((await access.stat(backupsDir(id), site))?.kind === "directory") {
    await checkLeftovers(access, problems, backupsDir(id), clock, site);
  }
  return outline;
}
