import * as fs from "node:fs";
import { join } from "node:path";
import { FORMAT_TEXT, type IndexEntry, type Outline } from "@living-reports/core";
import { outlineOfSize } from "../fixtures.js";

/** A store laid out on disk directly (fast, no fsyncs): what setup of the large-index workloads needs. */
export interface SyntheticStore {
  outlines: Outline[];
  /** The index entries, in the order of `outlines`. */
  entries: IndexEntry[];
}

/**
 * Writes a store of `count` small reports under `root` as the library lays one out (docs/FORMAT.md#layout):
 * `FORMAT`, `by_id/<id>/outline.json`, an empty `audit.jsonl`, `backups/`, and an `index.jsonl`
 * listing them all. Nothing is fsynced: this is setup, not a measured operation.
 */
export function writeSyntheticStore(root: string, count: number): SyntheticStore {
  fs.writeFileSync(join(root, "FORMAT"), FORMAT_TEXT);
  const template = outlineOfSize(0);
  const outlines: Outline[] = [];
  const entries: IndexEntry[] = [];
  for (let i = 0; i < count; i++) {
    const id = crypto.randomUUID();
    const outline: Outline = { ...template, report_id: id, title: `Report ${i}` };
    const dir = join(root, "by_id", id);
    fs.mkdirSync(join(dir, "backups"), { recursive: true });
    fs.writeFileSync(join(dir, "outline.json"), JSON.stringify(outline, null, 2));
    fs.writeFileSync(join(dir, "audit.jsonl"), "");
    outlines.push(outline);
    entries.push(entryOf(outline));
  }
  fs.writeFileSync(join(root, "index.jsonl"), entries.map((e) => `${JSON.stringify(e)}\n`).join(""));
  return { outlines, entries };
}

/** The index entry of an outline, as the store writes it. */
export function entryOf(outline: Outline): IndexEntry {
  const tags = outline.metadata.tags;
  return {
    report_id: outline.report_id,
    current_title: outline.title,
    created_at: outline.created_at,
    updated_at: outline.updated_at,
    tags: Array.isArray(tags) ? tags.filter((t): t is string => typeof t === "string") : [],
    status: outline.metadata.status === "archived" ? "archived" : "active",
    path: `by_id/${outline.report_id}`,
  };
}
