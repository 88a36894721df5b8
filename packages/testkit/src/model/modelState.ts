import { type ActionType, type Insight, type Outline, type Section, sha256Hex } from "@living-reports/core";

/** What an outline holds besides the fields the store sets itself (id, timestamps, versions). */
export interface ReportContent {
  readonly title: string;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly sections: readonly Section[];
  readonly insights: readonly Insight[];
}

/** One audit event as the model predicts it. */
export interface ModelEvent {
  readonly action: ActionType;
  /** `payload.outline_version`, for the events that commit an outline; null for the others. */
  readonly version: number | null;
  /** The content its backup holds (the state before it), for the events that record one. */
  readonly before: ReportContent | null;
}

/** One report as the model knows it. Ids and `created_at` come from the real store's answers. */
export interface ModelReport {
  readonly id: string;
  readonly createdAt: string;
  readonly content: ReportContent;
  /** `outline_version`: +1 per committed change (G6). */
  readonly version: number;
  /** The audit log, in commit order. */
  readonly events: readonly ModelEvent[];
}

/** The whole store as the model knows it: an immutable value, replaced by every transition. */
export interface ModelState {
  /** Reports in `by_id/`, in the order they were created or restored. */
  readonly live: ReadonlyMap<string, ModelReport>;
  /** Soft-deleted reports in `.trash/` (at most one copy per id: a restore moves it back). */
  readonly trash: ReadonlyMap<string, ModelReport>;
}

/** The model fast-check hands to every command: a box whose state a command replaces. */
export interface StoreModel {
  state: ModelState;
}

/** A store with no reports. */
export const EMPTY_STATE: ModelState = { live: new Map(), trash: new Map() };

/** The content of a real outline, for comparison with the model's. */
export function contentOf(outline: Outline): ReportContent {
  return {
    title: outline.title,
    metadata: outline.metadata,
    sections: outline.sections,
    insights: outline.insights,
  };
}

/** The hash of a content, independent of key order (equal exactly when the contents are). */
export function contentHash(content: ReportContent): string {
  return sha256Hex(canonicalJson(content));
}

/** `metadata.tags` when it is a list of strings (as the store reads it), else none. */
export function tagsOf(content: ReportContent): string[] {
  const tags = content.metadata.tags;
  return Array.isArray(tags) ? tags.filter((t): t is string => typeof t === "string") : [];
}

/** The status the index shows: `archived` when `metadata.status` says so, else `active`. */
export function statusOf(content: ReportContent): "active" | "archived" {
  return content.metadata.status === "archived" ? "archived" : "active";
}

/** The ids of the live reports, in model order (what commands pick from by index). */
export function liveIds(state: ModelState): string[] {
  return [...state.live.keys()];
}

/** The ids of the trashed reports, in model order. */
export function trashIds(state: ModelState): string[] {
  return [...state.trash.keys()];
}

/** `ids[pick mod length]`, or undefined when there is none to pick. */
export function pickFrom(ids: readonly string[], pick: number): string | undefined {
  return ids.length === 0 ? undefined : ids[pick % ids.length];
}

/** The live report `id`. @throws Error when the model has no such live report (a command bug) */
export function liveReport(state: ModelState, id: string): ModelReport {
  const report = state.live.get(id);
  if (report === undefined) throw new Error(`model: no live report ${id}`);
  return report;
}

/** JSON with object keys sorted: equal exactly when the values are, whatever their key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
