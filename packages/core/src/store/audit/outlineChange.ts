import type { Outline } from "../../schema/index.js";
import { jsonEqual } from "../../util/json.js";
import { statusOf, tagsOf } from "../index/indexLines.js";

/** The actions a committed change of one outline is recorded as. */
export type ChangeAction = "rename" | "tag_update" | "status_change" | "archive" | "evolve";

/** An action and the payload keys docs/FORMAT.md#data-model gives it (without `backup_filename`/`outline_version`). */
export interface DescribedChange {
  action: ChangeAction;
  payload: Record<string, unknown>;
}

/** `rename` payload keys (Python's). */
export function renamePayload(before: Outline, after: Outline): Record<string, unknown> {
  return { old_title: before.title, new_title: after.title };
}

/** `tag_update` payload keys (Python's): what was added, removed, and the final list. */
export function tagPayload(before: readonly string[], after: readonly string[]): Record<string, unknown> {
  return {
    tags_added: after.filter((t) => !before.includes(t)),
    tags_removed: before.filter((t) => !after.includes(t)),
    final_tags: [...after],
  };
}

/** `evolve` payload keys (Python's): title change and the ids of sections/insights added, modified, removed. */
export function evolvePayload(before: Outline, after: Outline): Record<string, unknown> {
  const sections = diffById(before.sections, after.sections, (s) => s.section_id);
  const insights = diffById(before.insights, after.insights, (i) => i.insight_id);
  return {
    old_title: before.title,
    new_title: after.title,
    sections_added: sections.added.length,
    insights_added: insights.added.length,
    section_ids_added: sections.added,
    section_ids_modified: sections.modified,
    section_ids_removed: sections.removed,
    insight_ids_added: insights.added,
    insight_ids_modified: insights.modified,
    insight_ids_removed: insights.removed,
  };
}

/**
 * Tells what kind of change turned `before` into `after`, ignoring the fields the store itself
 * sets (`outline_version`, `updated_at`): only the title → rename; only `metadata.tags` →
 * tag_update; only `metadata.status` → archive (to `archived`) or status_change; anything
 * else → evolve. Used to roll a commit cut by a crash forward as the operation it was.
 */
export function describeChange(before: Outline, after: Outline): DescribedChange {
  const changed = changedFields(before, after);
  if (changed.length === 1 && changed[0] === "title") {
    return { action: "rename", payload: renamePayload(before, after) };
  }
  if (changed.length === 1 && changed[0] === "metadata.tags") {
    return { action: "tag_update", payload: tagPayload(tagsOf(before), tagsOf(after)) };
  }
  if (changed.length === 1 && changed[0] === "metadata.status") {
    const status = statusOf(after);
    return status === "archived"
      ? { action: "archive", payload: { status } }
      : { action: "status_change", payload: { status: after.metadata.status ?? status } };
  }
  return { action: "evolve", payload: evolvePayload(before, after) };
}

function changedFields(before: Outline, after: Outline): string[] {
  const ignored = new Set(["outline_version", "updated_at", "metadata"]);
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  const out: string[] = [];
  for (const key of keys) {
    if (ignored.has(key)) continue;
    if (!jsonEqual(field(before, key), field(after, key))) out.push(key);
  }
  const metaKeys = new Set([...Object.keys(before.metadata), ...Object.keys(after.metadata)]);
  for (const key of metaKeys) {
    if (!jsonEqual(before.metadata[key], after.metadata[key])) out.push(`metadata.${key}`);
  }
  return out;
}

function field(outline: Outline, key: string): unknown {
  return (outline as Record<string, unknown>)[key];
}

function diffById<T>(
  before: readonly T[],
  after: readonly T[],
  idOf: (item: T) => string,
): { added: string[]; modified: string[]; removed: string[] } {
  const old = new Map(before.map((item) => [idOf(item), item]));
  const now = new Set(after.map(idOf));
  const added: string[] = [];
  const modified: string[] = [];
  for (const item of after) {
    const id = idOf(item);
    const previous = old.get(id);
    if (previous === undefined) added.push(id);
    else if (!jsonEqual(previous, item)) modified.push(id);
  }
  const removed = [...old.keys()].filter((id) => !now.has(id));
  return { added, modified, removed };
}
