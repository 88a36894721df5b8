import {
  ErrorCode,
  isLivingReportsError,
  isReportId,
  LivingReportsError,
  type Outline,
  type ReportStore,
  type StorageBackend,
  sha256Hex,
} from "@living-reports/core";
import { reportPaths } from "./reportPaths.js";
import type { StoreEffect } from "./storeEffect.js";

/** A manual edit a workload made, with the crash points of its step's start and acknowledgement. */
export type TimedEdit = Extract<StoreEffect, { kind: "edited" }> & { start: number; end: number };

/** The manual edits of one report a workload made (started), and those acknowledged. */
export interface EditsMade {
  readonly made: readonly TimedEdit[];
  readonly acked: readonly TimedEdit[];
  /** Where the backups are read from. */
  readonly backend: StorageBackend;
}

/**
 * G2/G3/G6/G9 on one report's history: every acknowledged commit's event is there (its action
 * and `outline_version`), no event twice, versions rising by exactly 1; a `manual_edit_detected`
 * only for an edit that was made, its backup holding exactly the edit's bytes; and an edit
 * acknowledged before a commit that was acknowledged is recorded (G9: detected before the next
 * write, never thrown away).
 */
export async function checkHistory(
  store: ReportStore,
  id: string,
  acked: readonly (StoreEffect & { start?: number })[],
  edits?: EditsMade,
): Promise<string[]> {
  const out: string[] = [];
  const history = await store.history(id);
  const ids = new Set<string>();
  const recorded = new Set<string>();
  let last: number | undefined;
  for (const event of history) {
    if (ids.has(event.action_id)) out.push(`G3: ${id} event ${event.action_id} appears twice`);
    ids.add(event.action_id);
    if (event.action_type === "manual_edit_detected") {
      out.push(...(await checkEditEvent(id, event.line, event.payload, edits)));
      recorded.add(String(event.payload.observed_sha256));
      continue;
    }
    const version = event.payload.outline_version;
    if (typeof version !== "number" || event.action_type === "backup") continue;
    if (last !== undefined && version !== last + 1) {
      out.push(`G6: ${id} line ${event.line} ${event.action_type} has version ${version} after ${last}`);
    }
    last = version;
  }
  for (const effect of acked) {
    if (effect.kind !== "outline") continue;
    const v = effect.outline.outline_version;
    const action = effect.action;
    const found = history.some(
      (e) => e.payload.outline_version === v && (action === undefined || e.action_type === action),
    );
    if (!found) out.push(`G2/G3: ${id} lost the acknowledged ${action ?? "commit"} event of version ${v}`);
  }
  for (const edit of edits?.acked ?? []) {
    const seen = acked.some((e) => e.kind === "outline" && (e.start ?? -1) > edit.end);
    if (seen && !recorded.has(edit.sha256)) {
      out.push(
        `G9: ${id} the manual edit ${edit.sha256.slice(0, 12)} was written over without being recorded`,
      );
    }
  }
  return out;
}

/** G9/G4: a recorded manual edit was made, and its backup holds exactly what the edit wrote. */
async function checkEditEvent(
  id: string,
  line: number,
  payload: Record<string, unknown>,
  edits: EditsMade | undefined,
): Promise<string[]> {
  const observed = payload.observed_sha256;
  if (edits === undefined) return [`G9: ${id} line ${line} records a manual edit that nobody made`];
  const name = String(payload.backup_filename);
  let bytes: Uint8Array;
  try {
    bytes = await edits.backend.readFile(reportPaths.backup(id, name));
  } catch (err) {
    if (!edits.made.some((e) => e.sha256 === observed)) {
      return [`G9: ${id} line ${line} records a manual edit that nobody made`];
    }
    return [`G9/G4: ${id} line ${line}: the backup ${name} of the manual edit is unreadable: ${String(err)}`];
  }
  // What the crash left of an edit not made durable is the edit too: a torn write of it that
  // still loads (cut after its last brace) is recorded as found, as the library cannot tell.
  const text = new TextDecoder().decode(bytes);
  const tornEdit = edits.made.some(
    (e) => !e.durable && text.length < e.text.length && e.text.startsWith(text),
  );
  if (!edits.made.some((e) => e.sha256 === observed) && !tornEdit) {
    return [`G9: ${id} line ${line} records a manual edit that nobody made`];
  }
  if (tornEdit && sha256Hex(bytes) === observed) return [];
  const sha = sha256Hex(bytes);
  return sha === observed
    ? []
    : [
        `G9/G4: ${id} line ${line}: the backup ${name} of the manual edit holds ${bytes.byteLength} bytes that are not the edit`,
      ];
}

/** G5: after recovery the index lists exactly the reports present, with their title, tags and status. */
export async function checkIndex(
  store: ReportStore,
  backend: StorageBackend,
  known: ReadonlyMap<string, Outline>,
): Promise<string[]> {
  const out: string[] = [];
  const present = new Map(known);
  for (const id of (await listDir(backend, "by_id")).filter(isReportId)) {
    if (present.has(id)) continue;
    try {
      present.set(id, await store.get(id));
    } catch (err) {
      // A folder without a loadable outline is no report; verify reports it if it matters.
      if (!(err instanceof LivingReportsError)) throw err;
    }
  }
  const entries = new Map(
    (await store.list({ status: "all" })).filter((e) => e.status !== "deleted").map((e) => [e.report_id, e]),
  );
  for (const [id, outline] of present) {
    const entry = entries.get(id);
    const tags = Array.isArray(outline.metadata.tags) ? outline.metadata.tags : [];
    const status = outline.metadata.status === "archived" ? "archived" : "active";
    if (entry === undefined) out.push(`G5: index misses report ${id}`);
    else if (
      entry.current_title !== outline.title ||
      JSON.stringify(entry.tags) !== JSON.stringify(tags) ||
      entry.status !== status
    ) {
      out.push(`G5: index entry of ${id} is stale ("${entry.current_title}" ${entry.status})`);
    }
  }
  for (const id of entries.keys())
    if (!present.has(id)) out.push(`G5: index lists ${id}, which does not exist`);
  return out;
}

async function listDir(backend: StorageBackend, path: string): Promise<string[]> {
  try {
    return await backend.readdir(path);
  } catch (err) {
    // No by_id/ at all: no reports.
    if (isLivingReportsError(err, ErrorCode.NOT_FOUND)) return [];
    throw err;
  }
}
