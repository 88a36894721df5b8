import type { JournalledOp, Journals } from "./journal.js";
import type { ReadOutline, ReadReport, ReadStore } from "./storeReader.js";

/** The verdict of {@link checkStore}: counts for the table, and every problem found. */
export interface StoreVerdict {
  acked: number;
  /** Acknowledged operations whose event or effect is missing. */
  lost: number;
  /** Operations (or action ids) found more than once. */
  duplicated: number;
  /** Operations refused with VERSION_CONFLICT (they must have written nothing). */
  conflicts: number;
  /** Operations in flight when their writer was killed. */
  inflight: number;
  /** Commits that recovery rolled forward (events marked `recovered`). */
  rolledForward: number;
  /** Operations that failed with another code (named in `problems` when not allowed). */
  otherFailures: Map<string, number>;
  problems: string[];
}

/**
 * Checks what an independent reader found on disk against what the writers journalled:
 * every acknowledged operation present exactly once (its event by request id, and its effect on
 * the outline), refused ones absent, in-flight ones at most once; action ids unique; audit logs
 * verified and chained, no torn tail or temp file left; `outline_version` equal to the number of
 * committed events, each event recording the version it made; the last event's `outline_sha256`
 * equal to the outline's hash; the index exact (G5).
 *
 * @param allowedFailures - failure codes that are expected and not problems (e.g. LOCK_COMPROMISED
 *   of an operation whose writer stalled): VERSION_CONFLICT is always allowed
 */
export function checkStore(
  store: ReadStore,
  journals: Journals,
  allowedFailures: string[] = [],
): StoreVerdict {
  const v: StoreVerdict = {
    acked: 0,
    lost: 0,
    duplicated: 0,
    conflicts: 0,
    inflight: 0,
    rolledForward: 0,
    otherFailures: new Map(),
    problems: [],
  };
  const eventsByRequest = new Map<string, { report: ReadReport; count: number }>();
  const actionIds = new Set<string>();
  for (const report of store.reports.values()) {
    checkReport(report, v);
    for (const e of report.events) {
      if (actionIds.has(e.action_id)) {
        v.duplicated += 1;
        v.problems.push(`action_id ${e.action_id} appears twice`);
      }
      actionIds.add(e.action_id);
      if (e.payload.recovered === true) v.rolledForward += 1;
      if (e.request_id === null) continue;
      const seen = eventsByRequest.get(e.request_id) ?? { report, count: 0 };
      seen.count += 1;
      eventsByRequest.set(e.request_id, seen);
    }
  }
  for (const op of journals.ops.values()) checkOp(op, store, eventsByRequest.get(op.op), v, allowedFailures);
  for (const request of eventsByRequest.keys()) {
    if (!journals.ops.has(request)) v.problems.push(`event of request ${request}, which no writer started`);
  }
  checkIndex(store, v);
  return v;
}

function checkReport(r: ReadReport, v: StoreVerdict): void {
  const at = `report ${r.id}`;
  for (const p of r.auditProblems) v.problems.push(`${at} audit.jsonl ${p}`);
  if (r.tornTailBytes > 0)
    v.problems.push(`${at}: torn audit tail of ${r.tornTailBytes} bytes still visible`);
  if (r.temps.length > 0) v.problems.push(`${at}: temp files left: ${r.temps.join(", ")}`);
  if (r.outlineError !== undefined) v.problems.push(`${at}: outline.json does not load: ${r.outlineError}`);
  if (r.outline === undefined) {
    if (r.events.length > 0) v.problems.push(`${at}: ${r.events.length} events but no outline.json`);
    return;
  }
  const o = r.outline;
  r.events.forEach((e, i) => {
    if (e.payload.outline_version !== i + 1) {
      v.problems.push(
        `${at} event ${i + 1} (${e.action_type}) records version ${String(e.payload.outline_version)}`,
      );
    }
    for (const name of backupNames(e.payload)) {
      if (!r.backups.includes(name))
        v.problems.push(`${at}: backup ${name} named by line ${e.line} is missing`);
    }
  });
  // A create cut before its event leaves an outline without history (version 1, no events).
  if (o.outline_version !== r.events.length && !(r.events.length === 0 && o.outline_version === 1)) {
    v.problems.push(`${at}: outline_version ${o.outline_version} but ${r.events.length} committed events`);
  }
  const last = r.events.at(-1);
  if (last !== undefined && last.outline_sha256 !== r.outlineSha256) {
    v.problems.push(`${at}: last event's outline_sha256 is not the outline's hash`);
  }
}

function backupNames(payload: Record<string, unknown>): string[] {
  const name = payload.backup_filename;
  return typeof name === "string" && name !== "" ? [name] : [];
}

/** How many times `op`'s effect shows in the outline of its report. */
function effectCount(op: JournalledOp, o: ReadOutline): number {
  switch (op.kind) {
    case "create":
      return o.title === `r ${op.op}` ? 1 : 0;
    case "tag":
      return tagsOf(o).filter((t) => t === op.op).length;
    case "updateExpected":
    case "updateImplicit":
      return o.metadata[op.op] === true ? 1 : 0;
    case "append":
      return o.sections.filter((s) => s.title === op.op).length;
  }
}

function tagsOf(o: ReadOutline): string[] {
  const tags = o.metadata.tags;
  return Array.isArray(tags) ? tags.filter((t): t is string => typeof t === "string") : [];
}

function checkOp(
  op: JournalledOp,
  store: ReadStore,
  events: { report: ReadReport; count: number } | undefined,
  v: StoreVerdict,
  allowedFailures: string[],
): void {
  const eventCount = events?.count ?? 0;
  const reportId = op.outcome.state === "acked" ? op.outcome.report : (op.report ?? events?.report.id);
  const outline = reportId === undefined ? undefined : store.reports.get(reportId)?.outline;
  const effects = outline === undefined ? 0 : effectCount(op, outline);
  if (eventCount > 1 || effects > 1) {
    v.duplicated += 1;
    v.problems.push(`${op.op} (${op.kind}) found ${eventCount} events, ${effects} effects`);
  }
  switch (op.outcome.state) {
    case "acked":
      v.acked += 1;
      if (eventCount === 0 || effects === 0 || events?.report.id !== op.outcome.report) {
        v.lost += 1;
        v.problems.push(
          `acknowledged ${op.op} (${op.kind} on ${op.outcome.report}) lost: ${eventCount} events, ${effects} effects`,
        );
      }
      return;
    case "failed": {
      const { code } = op.outcome;
      if (code === "VERSION_CONFLICT") v.conflicts += 1;
      else v.otherFailures.set(code, (v.otherFailures.get(code) ?? 0) + 1);
      if (code !== "VERSION_CONFLICT" && !allowedFailures.includes(code)) {
        v.problems.push(`${op.op} (${op.kind}) failed unexpectedly: ${op.outcome.message}`);
      }
      if (code === "VERSION_CONFLICT" && (eventCount > 0 || effects > 0)) {
        v.problems.push(
          `${op.op} was refused (VERSION_CONFLICT) yet wrote: ${eventCount} events, ${effects} effects`,
        );
      }
      return;
    }
    case "inflight":
      v.inflight += 1;
      return;
  }
}

function checkIndex(store: ReadStore, v: StoreVerdict): void {
  for (const p of store.indexProblems) v.problems.push(p);
  for (const r of store.reports.values()) {
    const o = r.outline;
    if (o === undefined) continue;
    const e = store.index.get(r.id);
    const want = {
      title: o.title,
      tags: tagsOf(o),
      updated: o.updated_at,
      status: "active",
      path: `by_id/${r.id}`,
    };
    const got = e && {
      title: e.current_title,
      tags: e.tags,
      updated: e.updated_at,
      status: e.status,
      path: e.path,
    };
    if (JSON.stringify(got) !== JSON.stringify(want)) {
      v.problems.push(`index entry of ${r.id} is ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
    }
  }
  for (const e of store.index.values()) {
    if (e.status !== "deleted" && store.reports.get(e.report_id)?.outline === undefined) {
      v.problems.push(`index lists ${e.report_id}, which has no outline.json`);
    }
  }
}
