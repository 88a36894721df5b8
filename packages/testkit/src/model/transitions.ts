import type { ActionType } from "@living-reports/core";
import {
  canonicalJson,
  liveReport,
  type ModelReport,
  type ModelState,
  type ReportContent,
  tagsOf,
} from "./modelState.js";

/**
 * The model's transitions: pure functions from one {@link ModelState} to the next, written from
 * docs/FORMAT.md#data-model, docs/GUARANTEES.md, docs/CLI.md (what each operation commits and records), never from the store's code paths.
 */

/** A new report (create, fork): version 1, one event carrying version 1, no backup. */
export function addReport(
  state: ModelState,
  report: { id: string; createdAt: string; content: ReportContent; action: ActionType },
): ModelState {
  const added: ModelReport = {
    id: report.id,
    createdAt: report.createdAt,
    content: report.content,
    version: 1,
    events: [{ action: report.action, version: 1, before: null }],
  };
  return { ...state, live: new Map([...state.live, [report.id, added]]) };
}

/**
 * A committed change of live report `id` (G6): the version rises by exactly 1, and the event
 * records that version and a backup of the content before it.
 */
export function commitChange(
  state: ModelState,
  id: string,
  action: ActionType,
  next: ReportContent,
): ModelState {
  const report = liveReport(state, id);
  const version = report.version + 1;
  const changed: ModelReport = {
    ...report,
    content: next,
    version,
    events: [...report.events, { action, version, before: report.content }],
  };
  return { ...state, live: new Map(state.live).set(id, changed) };
}

/** A soft delete: the report moves to the trash with a `delete` event; its version stays. */
export function deleteReport(state: ModelState, id: string): ModelState {
  const report = liveReport(state, id);
  const live = new Map(state.live);
  live.delete(id);
  const trashed = {
    ...report,
    events: [...report.events, { action: "delete" as const, version: null, before: null }],
  };
  return { live, trash: new Map(state.trash).set(id, trashed) };
}

/** A restore from the trash: back to live (last in order) with a `status_change` event; the version stays. */
export function restoreReport(state: ModelState, id: string): ModelState {
  const report = state.trash.get(id);
  if (report === undefined) throw new Error(`model: no trashed report ${id}`);
  const trash = new Map(state.trash);
  trash.delete(id);
  const restored = {
    ...report,
    events: [...report.events, { action: "status_change" as const, version: null, before: null }],
  };
  return { trash, live: new Map([...state.live, [id, restored]]) };
}

/** The content with a new title. */
export function renamed(content: ReportContent, title: string): ReportContent {
  return { ...content, title };
}

/**
 * The content after a tag change (docs/CLI.md `tag`): the removed tags go, then the added ones not
 * already kept are appended in the order given, once each.
 */
export function retagged(
  content: ReportContent,
  add: readonly string[],
  remove: readonly string[],
): ReportContent {
  const kept = tagsOf(content).filter((t) => !remove.includes(t));
  const added = add.filter((t, i) => !kept.includes(t) && add.indexOf(t) === i);
  return { ...content, metadata: { ...content.metadata, tags: [...kept, ...added] } };
}

/** The content with `metadata.status` set. */
export function withStatus(content: ReportContent, status: "active" | "archived"): ReportContent {
  return { ...content, metadata: { ...content.metadata, status } };
}

/**
 * The state as recovery leaves it when it completes a commit cut after its outline was renamed
 * into place: the operation itself is not on disk, so the completing event records the kind of
 * change the outline shows against its backup (docs/GUARANTEES.md#g9-manual-edits "recovered as that operation", as far as
 * it can be told): only the title → `rename`; only the tags → `tag_update`; only the status →
 * `archive` or `status_change`; anything else, or nothing but the version → `evolve`.
 */
export function asRecovered(before: ModelState, after: ModelState): ModelState {
  const live = new Map(after.live);
  for (const [id, report] of after.live) {
    const last = report.events.at(-1);
    if (last?.before == null || report.events.length <= (before.live.get(id)?.events.length ?? 0)) continue;
    const action = changeKind(last.before, report.content);
    live.set(id, { ...report, events: [...report.events.slice(0, -1), { ...last, action }] });
  }
  return { ...after, live };
}

function changeKind(from: ReportContent, to: ReportContent): ActionType {
  const same = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b);
  const changed: string[] = [];
  if (from.title !== to.title) changed.push("title");
  if (!same(from.sections, to.sections) || !same(from.insights, to.insights)) changed.push("body");
  const keys = new Set([...Object.keys(from.metadata), ...Object.keys(to.metadata)]);
  for (const key of keys) if (!same(from.metadata[key], to.metadata[key])) changed.push(`metadata.${key}`);
  if (changed.length !== 1) return "evolve";
  if (changed[0] === "title") return "rename";
  if (changed[0] === "metadata.tags") return "tag_update";
  if (changed[0] === "metadata.status")
    return to.metadata.status === "archived" ? "archive" : "status_change";
  return "evolve";
}
