import { randomUUID } from "node:crypto";
import type { AuditLine } from "../../durable/index.js";
import type { ActionType, Actor } from "../../schema/index.js";
import { isoTimestamp } from "../shared/timestamps.js";

/** What the last committed events of a report say (the G9 baseline and the G6 counter). */
export interface CommittedTail {
  /** `outline_sha256` of the newest event carrying one; null for a legacy report (no baseline yet). */
  sha: string | null;
  /** `payload.outline_version` of the newest event carrying one; null if none does. */
  version: number | null;
  /** The newest event, if any. */
  last: AuditLine | undefined;
  /**
   * The newest event that carries its outline in the log (`outline`, docs/FORMAT.md), with that
   * outline's hash: when `logged.sha === sha`, the committed outline can be rebuilt from the log
   * alone (the log is then the commit point, docs/DESIGN.md#the-commit-protocol-one-change-of-an-existing-report).
   */
  logged: { sha: string; outline: unknown } | undefined;
  /** The newest `payload.backup_filename`: a new backup's name must sort after it. */
  lastBackup: string | undefined;
}

/** The tail of an empty log. */
export const EMPTY_TAIL: CommittedTail = {
  sha: null,
  version: null,
  last: undefined,
  logged: undefined,
  lastBackup: undefined,
};

/** The tail after one more line of the chain. Pure. */
export function advanceTail(tail: CommittedTail, line: AuditLine): CommittedTail {
  const record = line.record;
  const sha = typeof record.outline_sha256 === "string" ? record.outline_sha256 : undefined;
  const payload = record.payload;
  const fields = typeof payload === "object" && payload !== null ? (payload as Record<string, unknown>) : {};
  const v = fields.outline_version;
  const backup = fields.backup_filename;
  return {
    sha: sha ?? tail.sha,
    version: typeof v === "number" && Number.isInteger(v) ? v : tail.version,
    last: line,
    logged:
      sha !== undefined && record.outline !== undefined ? { sha, outline: record.outline } : tail.logged,
    lastBackup: typeof backup === "string" ? backup : tail.lastBackup,
  };
}

/** Reads the baseline, version counter and logged outline off a report's chain (oldest first). Pure. */
export function committedTail(lines: readonly AuditLine[]): CommittedTail {
  return lines.reduce(advanceTail, EMPTY_TAIL);
}

/** The facts of one event to record. */
export interface EventFacts {
  reportId: string;
  action: ActionType;
  actor: Actor;
  at: Date;
  payload: Record<string, unknown>;
  /** The hash of the outline bytes this event leaves committed. */
  outlineSha256: string;
  /**
   * That outline itself, carried in the record (docs/FORMAT.md): what makes the event the commit
   * point, from which recovery rebuilds `outline.json` and the next commit's backup.
   */
  outline?: unknown;
  requestId?: string | undefined;
}

/** The record of an audit event (AuditEvent keys, then `outline_sha256`), ready for `AuditLog.append`. */
export function eventRecord(facts: EventFacts): Record<string, unknown> {
  const record: Record<string, unknown> = {
    action_id: randomUUID(),
    report_id: facts.reportId,
    ts: isoTimestamp(facts.at),
    actor: facts.actor,
    action_type: facts.action,
  };
  if (facts.requestId !== undefined) record.request_id = facts.requestId;
  record.payload = facts.payload;
  record.outline_sha256 = facts.outlineSha256;
  if (facts.outline !== undefined) record.outline = facts.outline;
  return record;
}
