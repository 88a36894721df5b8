import { randomUUID } from "node:crypto";
import type { Insight, Outline, Section } from "@living-reports/core";

/** A new insight with the schema's defaults spelled out. */
export function insight(summary: string, importance: number): Insight {
  return {
    insight_id: randomUUID(),
    importance,
    status: "active",
    summary,
    supporting_queries: [],
    citations: [{ source: "observation", description: "demo data" }],
    draft_changes: null,
    metadata: {},
  };
}

/** A new section holding `insights`, at position `order`. */
export function section(
  title: string,
  order: number,
  content: string,
  insights: readonly Insight[],
): Section {
  return {
    section_id: randomUUID(),
    title,
    order,
    insight_ids: insights.map((i) => i.insight_id),
    content,
    content_format: "markdown",
    metadata: {},
  };
}

/** The outline with one more section (and its insights) appended: an `evolve`. */
export function withSection(
  outline: Outline,
  title: string,
  content: string,
  insights: readonly Insight[],
): Outline {
  return {
    ...outline,
    sections: [...outline.sections, section(title, outline.sections.length, content, insights)],
    insights: [...outline.insights, ...insights],
  };
}
