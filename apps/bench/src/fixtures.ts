import { randomUUID } from "node:crypto";
import type { AuditEvent, Outline } from "@living-reports/core";

const SECTION_TEXT =
  "Weekly active users rose 4.2% after the onboarding change; retention of the March cohort is flat. ";

/**
 * A valid outline (docs/FORMAT.md#data-model) whose pretty JSON is about `bytes` long: a few insights and as many
 * sections of prose as it takes. Deterministic in shape, fresh in ids.
 */
export function outlineOfSize(bytes: number, id: string = randomUUID()): Outline {
  const now = new Date().toISOString();
  const insights = Array.from({ length: 3 }, (_, i) => ({
    insight_id: randomUUID(),
    importance: 5 + i,
    status: "active" as const,
    summary: `Insight ${i}: conversion moved after the pricing test`,
    supporting_queries: [],
    citations: [{ source: "query" as const, query_id: `q-${i}`, description: "weekly funnel" }],
    draft_changes: null,
    metadata: {},
  }));
  const outline: Outline = {
    report_id: id,
    title: "Growth review",
    created_at: now,
    updated_at: now,
    version: "1.0",
    outline_version: 1,
    sections: [],
    insights,
    metadata: { tags: ["growth", "weekly"], status: "active" },
  };
  while (JSON.stringify(outline, null, 2).length < bytes - 400) {
    const order = outline.sections.length;
    outline.sections.push({
      section_id: randomUUID(),
      title: `Section ${order}`,
      order,
      insight_ids: insights.map((i) => i.insight_id),
      content: SECTION_TEXT.repeat(4),
      content_format: "markdown",
      metadata: {},
    });
  }
  return outline;
}

/** An `evolve` audit event for `reportId`, as an update records it (about 400 bytes of JSON). */
export function evolveEvent(reportId: string, version: number): AuditEvent {
  return {
    action_id: randomUUID(),
    report_id: reportId,
    ts: new Date().toISOString(),
    actor: "agent",
    action_type: "evolve",
    payload: {
      old_title: "Growth review",
      new_title: "Growth review",
      sections_added: 0,
      insights_added: 0,
      section_ids_modified: [randomUUID()],
      backup_filename: "outline.json.20250101T000000_000000.bak",
      outline_version: version,
    },
  };
}
