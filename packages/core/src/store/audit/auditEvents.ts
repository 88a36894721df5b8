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
}

/** Reads the baseline and version counter off a report's audit lines (newest last). Pure. */
export function committedTail(lines: readonly AuditLine[]): CommittedTail {
  let sha: string | null = null;
  let version: number | null = null;
  for (let i = lines.length - 1; i >= 0 && (sha === null || version === null); i--) {
    const record = lines[i]!.record;
    if (sha === null && typeof record.outline_sha256 === "string") sha = record.outline_sha256;
    const payload = record.payload;
    if (version === null && typeof payload === "object" && payload !== null) {
      const v = (payload as Record<string, unknown>).outline_version;
      if (typeof v === "number" && Number.isInteger(v)) version = v;
    }
  }
  return { sha, version, last: lines.at(-1) };
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
  return record;
}
