import { isLivingReportsError } from "../../errors/livingReportsError.js";
import { type OutlineLimits, parseOutlineBytes } from "../../schema/index.js";
import { auditPath, backupPath } from "../shared/layout.js";
import { type AuditView, backupNamesOf, prunedNamesOf } from "./auditView.js";
import { VerifyCode } from "./problemCodes.js";
import type { ProblemList } from "./problemList.js";
import type { ReadOnlyAccess } from "./readOnlyAccess.js";

/** A name that stays inside `backups/`: one path segment, nothing that could climb out (G8). */
const SAFE_NAME = /^(?!\.\.?$)[^/\\\0]+$/;

/**
 * G4: every backup an audit event names (`backup_filename`, `backup_restored`,
 * `current_state_backup`) exists in `backups/` and validates as this report's outline, unless a
 * later `backup` event records it in `pruned`. Each file is checked once, and reported at the
 * first line that names it.
 */
export async function checkBackups(
  access: ReadOnlyAccess,
  problems: ProblemList,
  id: string,
  events: readonly AuditView[],
  limits: OutlineLimits,
): Promise<void> {
  const firstNamedAt = new Map<string, number>();
  const prunedLater = new Set<string>();
  // Backwards, so that "pruned by a later event" is known when an event is reached.
  for (let i = events.length - 1; i >= 0; i--) {
    const { event, line } = events[i]!;
    for (const name of backupNamesOf(event)) if (!prunedLater.has(name)) firstNamedAt.set(name, line);
    for (const name of prunedNamesOf(event)) prunedLater.add(name);
  }
  const ordered = [...firstNamedAt].sort((a, b) => a[1] - b[1]);
  for (const [name, line] of ordered) await checkOne(access, problems, id, name, line, limits);
}

async function checkOne(
  access: ReadOnlyAccess,
  problems: ProblemList,
  id: string,
  name: string,
  line: number,
  limits: OutlineLimits,
): Promise<void> {
  const namedAt = { report_id: id, file: auditPath(id), line };
  if (!SAFE_NAME.test(name)) {
    problems.add(
      VerifyCode.BACKUP_INVALID,
      `event names backup ${JSON.stringify(name)}: not a file name`,
      namedAt,
    );
    return;
  }
  const file = backupPath(id, name);
  const stat = await access.stat(file, { report_id: id });
  if (stat === null) {
    problems.add(VerifyCode.BACKUP_MISSING, `backup ${name} named at line ${line} does not exist`, {
      ...namedAt,
      file,
    });
    return;
  }
  const site = { report_id: id, file };
  if (stat.kind !== "file") {
    problems.add(VerifyCode.BACKUP_INVALID, `${file} is a ${stat.kind}, not a regular file`, site);
    return;
  }
  const bytes = await access.readFile(file, site);
  if (bytes === null) return;
  try {
    const outline = parseOutlineBytes(bytes, limits, file);
    if (outline.report_id !== id)
      problems.add(VerifyCode.BACKUP_INVALID, `${file} is an outline of report ${outline.report_id}`, site);
  } catch (err) {
    if (!isLivingReportsError(err)) throw err;
    problems.add(VerifyCode.BACKUP_INVALID, `${err.code}: ${err.message}`, site);
  }
}
