import type { IndexEntry } from "@living-reports/core";
import { expect } from "vitest";
import { type ModelReport, type ModelState, statusOf, tagsOf } from "../modelState.js";
import type { RealSystem } from "../realSystem.js";
import { ReadCommand } from "./readCommand.js";

/** What a `list` asks for: reports with a tag (or all), of a status (or the live ones). */
export interface ListQuery {
  readonly tag: string | undefined;
  readonly status: "active" | "archived" | undefined;
}

/**
 * `list({ tags, status, sort: "title" })`: exactly the model's live reports that match, in title
 * order (then id), with their current title, tags and status (G5).
 */
export class ListCommand extends ReadCommand {
  constructor(readonly query: ListQuery) {
    super();
  }

  canRun(): boolean {
    return true;
  }

  async read(state: ModelState, real: RealSystem): Promise<void> {
    const { tag, status } = this.query;
    const entries = await real.store.list({
      sort: "title",
      ...(tag === undefined ? {} : { tags: [tag] }),
      ...(status === undefined ? {} : { status }),
    });
    const expected = [...state.live.values()]
      .filter(
        (r) =>
          (tag === undefined || tagsOf(r.content).includes(tag)) &&
          (status ?? statusOf(r.content)) === statusOf(r.content),
      )
      .sort((a, b) => a.content.title.localeCompare(b.content.title) || a.id.localeCompare(b.id))
      .map(summary);
    expect(entries.map(entrySummary), this.toString()).toEqual(expected);
  }

  toString(): string {
    return `list(tag ${this.query.tag ?? "any"}, status ${this.query.status ?? "live"}, by title)`;
  }
}

function summary(report: ModelReport): unknown[] {
  return [report.id, report.content.title, tagsOf(report.content), statusOf(report.content)];
}

function entrySummary(entry: IndexEntry): unknown[] {
  return [entry.report_id, entry.current_title, entry.tags, entry.status];
}
