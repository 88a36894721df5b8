import * as fs from "node:fs";
import * as nodePath from "node:path";
import {
  type HistoryEvent,
  isLivingReportsError,
  type LockOptions,
  openReports,
  type ReportStore,
} from "@living-reports/core";
import { nodeFsBackend } from "@living-reports/node-fs";
import { readStore } from "../storeReader.js";
import type { OtherOutcome } from "./otherWriter.js";
import type { PauserResult } from "./pauseConfig.js";

/** What the checks of a pause case need to know about its two writers. */
export interface PauseWriters {
  /** The paused writer's outcome, when it wrote one. */
  paused?: PauserResult;
  /** Its request id and `metadata.paused_writer` marker. */
  pausedRequestId: string;
  pausedMarker: string;
  /** Root-relative paths of the backups it linked (its `link` steps). */
  pausedBackups: string[];
  other: OtherOutcome;
  /** The other writer's request id (also its `metadata.other_writer` marker). */
  otherRequestId: string;
}

/**
 * Checks a store after a pause case, once both writers ended, and returns every failure as a
 * sentence saying what was expected and what was found (empty: the case holds):
 *
 * - through a read-only store first (no recovery has run since the paused writer ended), then
 *   through a writing open (its recovery): `history` reads (no CORRUPT_LOG), every event's
 *   `outline_version` once and 1..n in log order, the paused writer's event once if it resolved
 *   and absent if it failed, the other writer's once, and `get` returning the last event's
 *   version, without the failed writer's change;
 * - `verify` after the recovery: no problems;
 * - with plain `fs` after it closed (the independent reader): the audit chain verifies, the
 *   versions and the writers' events as above (judged even when `history` refuses the log), no torn tail,
 *   `outline.json` hashes to the last event's `outline_sha256`, no temp file, and no backup the
 *   failed writer linked is left (or named by someone else's event).
 */
export async function checkAfterPause(
  root: string,
  id: string,
  lock: LockOptions,
  w: PauseWriters,
): Promise<string[]> {
  const problems: string[] = [];
  await withStore(root, { readOnly: true }, "read-only open", problems, async (store) => {
    problems.push(...(await checkReads(store, id, w, "before recovery")));
  });
  await withStore(root, { lock }, "writing open (recovery)", problems, async (store) => {
    const verify = await store.verify();
    for (const p of verify.problems)
      problems.push(
        `verify after recovery: expected no problems, found ${p.code}${p.file === undefined ? "" : ` in ${p.file}`}${p.line === undefined ? "" : ` line ${p.line}`}: ${p.message}`,
      );
    problems.push(...(await checkReads(store, id, w, "after recovery")));
  });
  problems.push(...checkFiles(root, id, w));
  return problems;
}

type Pass = "before recovery" | "after recovery";

async function withStore(
  root: string,
  options: { readOnly?: boolean; lock?: LockOptions },
  what: string,
  problems: string[],
  fn: (store: ReportStore) => Promise<void>,
): Promise<void> {
  let store: ReportStore;
  try {
    store = await openReports(nodeFsBackend({ root }), options);
  } catch (err) {
    problems.push(`${what}: expected the store to open, it failed with ${describe(err)}`);
    return;
  }
  try {
    await fn(store);
  } finally {
    await store.close().catch((err: unknown) => problems.push(`${what}: close failed with ${describe(err)}`));
  }
}

async function checkReads(store: ReportStore, id: string, w: PauseWriters, pass: Pass): Promise<string[]> {
  let events: HistoryEvent[];
  try {
    events = await store.history(id);
  } catch (err) {
    return [`${pass}: expected history to read, it failed with ${describe(err)}`];
  }
  const problems = checkVersions(events, pass);
  problems.push(...checkWriterEvents(events, w, pass));
  const last = events.findLast((e) => versionOf(e) !== undefined);
  try {
    const outline = await store.get(id);
    if (last !== undefined && outline.outline_version !== versionOf(last))
      problems.push(
        `${pass}: expected get to return the last event's version ${versionOf(last)} (line ${last.line}, ${label(last)}), it returned version ${outline.outline_version}`,
      );
    if (w.paused?.outcome !== "resolved" && outline.metadata.paused_writer === w.pausedMarker)
      problems.push(
        `${pass}: the paused writer ${outcomeText(w)}, yet get shows its change (metadata.paused_writer = ${w.pausedMarker}) in version ${outline.outline_version}`,
      );
  } catch (err) {
    problems.push(`${pass}: expected get to read, it failed with ${describe(err)}`);
  }
  return problems;
}

/** An event as `history` and the independent reader both give it. */
interface Event {
  line: number;
  action_type: string;
  request_id?: string | null | undefined;
  payload: Record<string, unknown>;
}

/** Every version recorded once, and 1..n in the order of the log (G6). */
function checkVersions(events: Event[], pass: Pass | "files"): string[] {
  const problems: string[] = [];
  const byVersion = new Map<number, Event[]>();
  for (const e of events) {
    const v = versionOf(e);
    if (v !== undefined) byVersion.set(v, [...(byVersion.get(v) ?? []), e]);
  }
  for (const [v, list] of byVersion)
    if (list.length > 1)
      problems.push(
        `${pass}: expected version ${v} recorded by one event, found ${list.length}: ${list.map((e) => `line ${e.line} ${label(e)}`).join("; ")}`,
      );
  const order = events.map(versionOf).filter((v): v is number => v !== undefined);
  if (problems.length === 0 && order.some((v, i) => v !== i + 1))
    problems.push(`${pass}: expected versions 1..${order.length} in log order, found ${order.join(",")}`);
  return problems;
}

/** The paused writer's event once if it resolved (with the version it returned), none if it failed; the other's once. */
function checkWriterEvents(events: Event[], w: PauseWriters, pass: Pass | "files"): string[] {
  const problems: string[] = [];
  const paused = events.filter((e) => e.request_id === w.pausedRequestId);
  if (w.paused?.outcome === "resolved") {
    if (paused.length !== 1 || versionOf(paused[0]!) !== w.paused.version)
      problems.push(
        `${pass}: the paused writer resolved with version ${w.paused.version}: expected its event once with that version, found ${paused.length === 0 ? "none" : paused.map((e) => `line ${e.line} version ${versionOf(e)}`).join("; ")}`,
      );
  } else if (paused.length > 0) {
    problems.push(
      `${pass}: the paused writer ${outcomeText(w)}, yet its event is in history: ${paused.map((e) => `line ${e.line} version ${versionOf(e)}`).join("; ")}`,
    );
  }
  const other = events.filter((e) => e.request_id === w.otherRequestId);
  if (w.other.ok && other.length !== 1)
    problems.push(
      `${pass}: the other writer resolved with version ${w.other.version}: expected its event once, found ${other.length}`,
    );
  return problems;
}

/** Plain-`fs` checks of the files, after the recovering store closed. */
function checkFiles(root: string, id: string, w: PauseWriters): string[] {
  const report = readStore(root).reports.get(id);
  if (report === undefined) return [`files: expected by_id/${id}/, it is gone`];
  const problems = report.auditProblems.map(
    (p) => `files: expected audit.jsonl to verify and chain, found ${p}`,
  );
  // Read without the library too, so that a log `history` refuses is still judged line by line.
  problems.push(...checkVersions(report.events, "files"), ...checkWriterEvents(report.events, w, "files"));
  if (report.tornTailBytes > 0)
    problems.push(`files: expected no torn tail after recovery, found ${report.tornTailBytes} bytes`);
  const last = report.events.findLast((e) => e.outline_sha256 !== undefined);
  if (last !== undefined && report.outlineSha256 !== last.outline_sha256)
    problems.push(
      `files: expected outline.json to hash to the last event's outline_sha256 (line ${last.line}), it does not (version ${report.outline?.outline_version ?? "unreadable"} on disk)`,
    );
  if (report.temps.length > 0)
    problems.push(`files: expected no temp file, found ${report.temps.join(", ")}`);
  if (w.paused?.outcome === "resolved") return problems;
  for (const path of w.pausedBackups) {
    if (!fs.existsSync(nodePath.join(root, path))) continue;
    const name = nodePath.basename(path);
    const namer = report.events.find((e) => e.payload.backup_filename === name);
    problems.push(
      namer === undefined
        ? `files: the paused writer ${outcomeText(w)}, yet its backup ${name} is left, named by no event`
        : `files: the paused writer ${outcomeText(w)}, yet its backup ${name} is named by line ${namer.line} (${namer.action_type}, request ${namer.request_id})`,
    );
  }
  return problems;
}

function versionOf(e: { payload: Record<string, unknown> }): number | undefined {
  const v = e.payload.outline_version;
  return typeof v === "number" ? v : undefined;
}

function label(e: Event): string {
  return `${e.action_type} request ${e.request_id ?? "none"}`;
}

function outcomeText(w: PauseWriters): string {
  return w.paused === undefined
    ? "ended without an outcome"
    : w.paused.outcome === "resolved"
      ? "resolved"
      : `failed with ${w.paused.code}`;
}

/** An error as `CODE: message` (or its text, when untyped). */
export function describe(err: unknown): string {
  return isLivingReportsError(err) ? `${err.code}: ${err.message}` : String(err);
}
