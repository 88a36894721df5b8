import {
  AuditEventSchema,
  basename,
  ErrorCode,
  type HistoryEvent,
  type IndexEntry,
  isLivingReportsError,
  type Outline,
  openReports,
  parseAuditLog,
  type StorageBackend,
} from "@living-reports/core";
import { expect } from "vitest";
import { contentHash, contentOf, type ModelReport, type ModelState, statusOf, tagsOf } from "./modelState.js";
import type { RealSystem } from "./realSystem.js";

/**
 * Everything a reader can see of a store, flattened to one entry per component so that two
 * observations compare (and diff) key by key:
 * - `outline:<id>`: the outline of each report in `by_id/` (title, tags, status, version, created_at, content hash)
 * - `history:<id>`: its audit events as `action@outline_version`
 * - `index:<id>`: its entry in `list()` (live reports)
 * - `trash:<id>`: its entry in `trashList()` (and `history:<id>`, the log it took to the trash)
 * - `stray:<id>`: a report folder without an outline (should never outlive recovery)
 */
export type Observation = Record<string, unknown>;

/** What {@link observeStore} must find when the store is in `state`. */
export function expectedObservation(state: ModelState): Observation {
  const out: Observation = {};
  for (const report of state.live.values()) {
    out[`outline:${report.id}`] = modelOutline(report);
    out[`history:${report.id}`] = modelHistory(report);
    out[`index:${report.id}`] = {
      title: report.content.title,
      tags: tagsOf(report.content),
      status: statusOf(report.content),
    };
  }
  for (const report of state.trash.values()) {
    out[`history:${report.id}`] = modelHistory(report);
    out[`trash:${report.id}`] = { title: report.content.title };
  }
  return out;
}

/**
 * Reads everything through the current store (and the report folders through the disk, so a
 * report the index forgot still shows). Only reads.
 *
 * @throws whatever the store's reads throw (a read that fails on a healthy store fails the test)
 */
export async function observeStore(real: RealSystem): Promise<Observation> {
  const { store, disk } = real;
  const out: Observation = {};
  const top = await disk.readdir("");
  const ids = top.includes("by_id") ? (await disk.readdir("by_id")).sort() : [];
  for (const id of ids) {
    if (!(await disk.readdir(`by_id/${id}`)).includes("outline.json")) {
      out[`stray:${id}`] = "report folder without outline.json";
      continue;
    }
    const outline = await store.get(id).catch((err: unknown) => {
      // A delete that committed and whose move into the trash is pending: it is in trashList.
      if (isLivingReportsError(err, ErrorCode.NOT_FOUND) && err.details?.trash_location !== undefined)
        return undefined;
      throw err;
    });
    if (outline === undefined) continue;
    out[`outline:${id}`] = realOutline(outline);
    out[`history:${id}`] = (await store.history(id)).map(eventLabel);
  }
  Object.assign(out, indexObservation(await store.list()));
  const inTrash = new Set(top.includes(".trash") ? await disk.readdir(".trash") : []);
  for (const entry of await store.trashList()) {
    out[`trash:${entry.report_id}`] = { title: entry.title };
    // A pending delete's log is still in its by_id/ folder.
    const moved = inTrash.has(basename(entry.location));
    out[`history:${entry.report_id}`] = await trashedHistory(
      disk,
      moved ? entry.location : `by_id/${entry.report_id}`,
    );
  }
  return out;
}

/**
 * The `index:` part of an observation as a process that opens the store now sees it: what is
 * on disk, whatever the current store keeps in memory. Opens read-only, so it never writes.
 */
export async function observeIndexAsNewReader(real: RealSystem): Promise<Observation> {
  const reader = await openReports(real.disk, { readOnly: true, lock: real.lock });
  try {
    return indexObservation(await reader.list());
  } finally {
    await reader.close();
  }
}

function indexObservation(entries: readonly IndexEntry[]): Observation {
  const out: Observation = {};
  for (const entry of entries) {
    out[`index:${entry.report_id}`] = { title: entry.current_title, tags: entry.tags, status: entry.status };
  }
  return out;
}

/** The history of a trashed report (the store has no reader for it: its log is parsed as `history` parses it). */
async function trashedHistory(disk: StorageBackend, location: string): Promise<string[]> {
  const read = parseAuditLog(await disk.readFile(`${location}/audit.jsonl`));
  expect(read.problems, `${location}/audit.jsonl`).toEqual([]);
  return read.lines.map((line) => eventLabel(AuditEventSchema.parse(line.record)));
}

/** The keys whose values differ between two observations (for messages). */
export function differingKeys(a: Observation, b: Observation): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k])).sort();
}

/** The outline summary the model predicts for a live report. */
export function modelOutline(report: ModelReport): Record<string, unknown> {
  return {
    title: report.content.title,
    tags: tagsOf(report.content),
    status: statusOf(report.content),
    version: report.version,
    created_at: report.createdAt,
    content: contentHash(report.content).slice(0, 16),
  };
}

/** The history labels the model predicts for a report. */
export function modelHistory(report: ModelReport): string[] {
  return report.events.map((e) => `${e.action}@${e.version ?? "-"}`);
}

/** The same summary of a real outline. */
export function realOutline(outline: Outline): Record<string, unknown> {
  const content = contentOf(outline);
  return {
    title: outline.title,
    tags: tagsOf(content),
    status: statusOf(content),
    version: outline.outline_version,
    created_at: outline.created_at,
    content: contentHash(content).slice(0, 16),
  };
}

/** An event as `action@outline_version` (`-` for events that commit no outline). */
export function eventLabel(event: Pick<HistoryEvent, "payload" | "action_type">): string {
  const v = event.payload.outline_version;
  return `${event.action_type}@${typeof v === "number" ? v : "-"}`;
}
