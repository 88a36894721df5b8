import { type AuditLine, type AuditReadResult, parseAuditLog } from "../../durable/index.js";
import { AuditEventSchema, describeIssues } from "../../schema/index.js";
import { type CommittedTail, committedTail, EMPTY_TAIL } from "../audit/auditEvents.js";
import { auditPath } from "../shared/layout.js";
import type { AuditView } from "./auditView.js";
import { VerifyCode } from "./problemCodes.js";
import type { ProblemList, ProblemSite } from "./problemList.js";
import type { ReadOnlyAccess } from "./readOnlyAccess.js";

const NEWLINE = 0x0a;

/**
 * G3 on `by_id/<id>/audit.jsonl`: reads it with `parseAuditLog` and reports a torn tail
 * (AUDIT_TORN_TAIL), lines that do not verify (AUDIT_CORRUPT_LINE), records glued onto torn
 * fragments (AUDIT_GLUED_RECORD), chain breaks (AUDIT_CHAIN_BROKEN), records that are not valid
 * AuditEvents of this report (AUDIT_INVALID_EVENT), repeated action ids
 * (AUDIT_DUPLICATE_ACTION) and timestamps going back in time (AUDIT_OUT_OF_ORDER).
 *
 * Fenced-out records are listed as notices (AUDIT_FENCED_RECORD), not problems.
 *
 * @param outlinePresent - whether the report has an outline (a missing log is then AUDIT_MISSING)
 * @returns the valid, first-seen events in log order (salvaged ones included), for G4/G6/G9; the
 *   chain's lines, its committed tail and the fenced-out lines
 */
export async function checkAudit(
  access: ReadOnlyAccess,
  problems: ProblemList,
  id: string,
  outlinePresent: boolean,
): Promise<CheckedAudit> {
  const none: CheckedAudit = { events: [], lines: [], fenced: [], tail: EMPTY_TAIL };
  const file = auditPath(id);
  const site: ProblemSite = { report_id: id, file };
  const stat = await access.stat(file, site);
  if (stat === null || stat.kind !== "file") {
    if (stat !== null || outlinePresent) {
      const why = stat === null ? "has no audit.jsonl" : `has a ${stat.kind} for audit.jsonl`;
      problems.add(VerifyCode.AUDIT_MISSING, `report ${id} ${why}`, site);
    }
    return none;
  }
  const bytes = await access.readFile(file, site);
  if (bytes === null) return none;
  const log = parseAuditLog(bytes);
  reportLogDamage(problems, log, bytes, site);
  for (const f of log.fenced) {
    problems.note(
      VerifyCode.AUDIT_FENCED_RECORD,
      `line ${f.line}: a record fenced out (its writer had lost the lock); not part of the history`,
      { ...site, line: f.line },
    );
  }
  return {
    events: validEvents(problems, log, id, site),
    lines: log.lines,
    fenced: log.fenced,
    tail: committedTail(log.lines),
  };
}

/** What {@link checkAudit} read of a report's log. */
export interface CheckedAudit {
  events: AuditView[];
  lines: AuditLine[];
  fenced: AuditLine[];
  tail: CommittedTail;
}

/**
 * Classifies `parseAuditLog`'s problems by where they sit: a problem on a line that was not
 * accepted is a corrupt line; the first problem on a salvaged line describes its torn fragment
 * (glued record); any other problem on an accepted line is a chain break.
 */
function reportLogDamage(
  problems: ProblemList,
  log: AuditReadResult,
  bytes: Uint8Array,
  site: ProblemSite,
): void {
  const kindAt = new Map(log.lines.map((l) => [l.line, l.kind]));
  const gluedReported = new Set<number>();
  for (const { line, message } of log.problems) {
    const kind = kindAt.get(line);
    let code: VerifyCode = VerifyCode.AUDIT_CHAIN_BROKEN;
    if (kind === undefined) code = VerifyCode.AUDIT_CORRUPT_LINE;
    else if (kind === "salvaged" && !gluedReported.has(line)) {
      code = VerifyCode.AUDIT_GLUED_RECORD;
      gluedReported.add(line);
    }
    problems.add(code, message, { ...site, line });
  }
  if (log.tornTail !== null) {
    const line = countNewlines(bytes, log.tornTail.offset) + 1;
    problems.add(
      VerifyCode.AUDIT_TORN_TAIL,
      `line ${line}: torn tail of ${log.tornTail.length} bytes (an append cut by a crash, never acknowledged)`,
      { ...site, line },
    );
  }
}

function validEvents(
  problems: ProblemList,
  log: AuditReadResult,
  id: string,
  site: ProblemSite,
): AuditView[] {
  const views: AuditView[] = [];
  const seen = new Map<string, number>();
  let previous: { instant: number; line: number; ts: string } | null = null;
  for (const { line, kind, record } of log.lines) {
    const at = { ...site, line };
    const parsed = AuditEventSchema.safeParse(record);
    if (!parsed.success) {
      const why = describeIssues(parsed.error);
      problems.add(VerifyCode.AUDIT_INVALID_EVENT, `line ${line}: not an AuditEvent: ${why}`, at);
      continue;
    }
    const event = parsed.data;
    if (event.report_id !== id) {
      problems.add(VerifyCode.AUDIT_INVALID_EVENT, `line ${line}: event of report ${event.report_id}`, at);
      continue;
    }
    const firstLine = seen.get(event.action_id);
    if (firstLine !== undefined) {
      problems.add(
        VerifyCode.AUDIT_DUPLICATE_ACTION,
        `line ${line}: action ${event.action_id} already recorded at line ${firstLine}`,
        at,
      );
      continue;
    }
    seen.set(event.action_id, line);
    const instant = Date.parse(event.ts);
    if (previous !== null && instant < previous.instant) {
      problems.add(
        VerifyCode.AUDIT_OUT_OF_ORDER,
        `line ${line}: ts ${event.ts} is earlier than ${previous.ts} at line ${previous.line}`,
        at,
      );
    }
    previous = { instant, line, ts: event.ts };
    views.push({ line, kind, event });
  }
  return views;
}

function countNewlines(bytes: Uint8Array, end: number): number {
  let n = 0;
  for (let i = bytes.indexOf(NEWLINE); i >= 0 && i < end; i = bytes.indexOf(NEWLINE, i + 1)) n++;
  return n;
}
