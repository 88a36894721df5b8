import type { ActionType } from "@living-reports/core";
import { liveReport, type ModelReport, type ModelState, type ReportContent, tagsOf } from "./modelState.js";

/**
 * The model's transitions: pure functions from one {@link ModelState} to the next, written from
 * SPEC §3/§5/§8 (what each operation commits and records), never from the store's code paths.
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
  const trashed = { ...report, events: [...report.events, { action: "delete" as const, version: null, before: null }] };
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
 * The content after a tag change (SPEC §8 `tag`): the removed tags go, then the added ones not
 * already kept are appended in the order given, once each.
 */
export function retagged(content: ReportContent, add: readonly string[], remove: readonly string[]): ReportContent {
  const kept = tagsOf(content).filter((t) => !remove.includes(t));
  const added = add.filter((t, i) => !kept.includes(t) && add.indexOf(t) === i);
  return { ...content, metadata: { ...content.metadata, tags: [...kept, ...added] } };
}

/** The content with `metadata.status` set. */
export function withStatus(content: ReportContent, status: "active" | "archived"): ReportContent {
  return { ...content, metadata: { ...content.metadata, status } };
}
