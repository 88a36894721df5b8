import type { Insight, Section } from "@living-reports/core";

/**
 * `count` sections with one insight each, valid under the schema, with ids derived from `seed`
 * (so two calls with the same arguments give equal content, and different seeds differ).
 */
export function sampleSections(seed: number, count: number): { sections: Section[]; insights: Insight[] } {
  const sections: Section[] = [];
  const insights: Insight[] = [];
  for (let i = 0; i < count; i++) {
    const n = String(seed * 10 + i).padStart(12, "0");
    const insightId = `00000000-0000-4000-8000-${n}`;
    sections.push({
      section_id: `10000000-0000-4000-8000-${n}`,
      title: `Section ${seed}.${i}`,
      order: i,
      insight_ids: [insightId],
      content: `Body ${seed}.${i} ✓`,
      content_format: "markdown",
      metadata: {},
    });
    insights.push({
      insight_id: insightId,
      importance: (seed + i) % 11,
      status: "active",
      summary: `Finding ${seed}.${i}`,
      supporting_queries: [],
      citations: [],
      draft_changes: null,
      metadata: {},
    });
  }
  return { sections, insights };
}
