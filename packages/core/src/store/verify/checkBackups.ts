import { isLivingReportsError } from "../../errors/livingReportsError.js";
import { type OutlineLimits, parseOutlineBytes } from "../../schema/index.js";
import { sha256Hex } from "../../util/hash.js";
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
 * first line that names it. Of the events this library wrote (framed lines), no two name the
 * same file as the backup they made (`backup_filename`), and the backup a commit made holds the
 * outline committed before it: its hash is the `outline_sha256` of the event just before (a
 * `manual_edit_detected` event backs up the edited outline, its own `outline_sha256`). A missing
 * backup whose content the log holds (`inLog`, see backupsInLog) is a notice, BACKUP_BEHIND_LOG.
 */
export async function checkBackups(
  access: ReadOnlyAccess,
  problems: ProblemList,
  id: string,
  events: readonly AuditView[],
  limits: OutlineLimits,
  inLog: ReadonlyMap<string, unknown> = new Map(),
): Promise<void> {
  const firstNamedAt = new Map<string, number>();
  const prunedLater = new Set<string>();
  // Backwards, so that "pruned by a later event" is known when an event is reached.
  for (let i = events.length - 1; i >= 0; i--) {
    const { event, line } = events[i]!;
    for (const name of backupNamesOf(event)) if (!prunedLater.has(name)) firstNamedAt.set(name, line);
    for (const name of prunedNamesOf(event)) prunedLater.add(name);
  }
  const expected = expectedContents(problems, id, events);
  const ordered = [...firstNamedAt].sort((a, b) => a[1] - b[1]);
  for (const [name, line] of ordered) {
    const bytes = await checkOne(access, problems, id, name, line, limits, inLog.has(name));
    const want = expected.get(name);
    if (bytes === undefined || want === undefined || prunedLater.has(name)) continue;
    const sha = sha256Hex(bytes);
    if (sha !== want.sha) {
      problems.add(
        VerifyCode.BACKUP_CONTENT_MISMATCH,
        `backup ${name} made at audit line ${want.line} has sha256 ${sha}, not ${want.sha} (the outline committed before)`,
        { report_id: id, file: backupPath(id, name), line: want.line },
      );
    }
  }
}

/**
 * The hash each backup made by one of this library's events must have, by name; reports a name
 * made twice (BACKUP_NAMED_TWICE) at the second event's line.
 */
function expectedContents(
  problems: ProblemList,
  id: string,
  events: readonly AuditView[],
): Map<string, { sha: string; line: number }> {
  const expected = new Map<string, { sha: string; line: number }>();
  const madeAt = new Map<string, number>();
  let before: string | undefined;
  for (const { event, line, kind } of events) {
    const made = event.payload.backup_filename;
    if (kind === "framed" && typeof made === "string") {
      const first = madeAt.get(made);
      if (first !== undefined) {
        problems.add(
          VerifyCode.BACKUP_NAMED_TWICE,
          `backup ${made} is named as made by audit lines ${first} and ${line}`,
          { report_id: id, file: auditPath(id), line },
        );
      } else {
        madeAt.set(made, line);
        const sha = event.action_type === "manual_edit_detected" ? event.outline_sha256 : before;
        if (sha !== undefined) expected.set(made, { sha, line });
      }
    }
    before = kind === "framed" ? event.outline_sha256 : undefined;
  }
  return expected;
}

async function checkOne(
  access: ReadOnlyAccess,
  problems: ProblemList,
  id: string,
  name: string,
  line: number,
  limits: OutlineLimits,
  inLog: boolean,
): Promise<Uint8Array | undefined> {
  const namedAt = { report_id: id, file: auditPath(id), line };
  if (!SAFE_NAME.test(name)) {
    problems.add(
      VerifyCode.BACKUP_INVALID,
      `event names backup ${JSON.stringify(name)}: not a file name`,
      namedAt,
    );
    return undefined;
  }
  const file = backupPath(id, name);
  const stat = await access.stat(file, { report_id: id });
  if (stat === null && inLog) {
    problems.note(
      VerifyCode.BACKUP_BEHIND_LOG,
      `backup ${name} named at line ${line} is missing; the log holds its content and the next write or open makes it again`,
      { ...namedAt, file },
    );
    return undefined;
  }
  if (stat === null) {
    problems.add(VerifyCode.BACKUP_MISSING, `backup ${name} named at line ${line} does not exist`, {
      ...namedAt,
      file,
    });
    return undefined;
  }
  const site = { report_id: id, file };
  if (stat.kind !== "file") {
    problems.add(VerifyCode.BACKUP_INVALID, `${file} is a ${stat.kind}, not a regular file`, site);
    return undefined;
  }
  const bytes = await access.readFile(file, site);
  if (bytes === null) return undefined;
  try {
    const outline = parseOutlineBytes(bytes, limits, file);
    if (outline.report_id === id) return bytes;
    problems.add(VerifyCode.BACKUP_INVALID, `${file} is an outline of report ${outline.report_id}`, site);
  } catch (err) {
    if (!isLivingReportsError(err)) throw err;
    problems.add(VerifyCode.BACKUP_INVALID, `${err.code}: ${err.message}`, site);
  }
  // Reported invalid: its content is not compared as well.
  return undefined;
}
