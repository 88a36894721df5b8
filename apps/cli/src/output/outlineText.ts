import type { Outline } from "@living-reports/core";
import { statusOf, tagsOf } from "./reportSummary.js";
import { oneLine } from "./terminalText.js";

function indent(text: string, prefix: string): string[] {
  return text.split("\n").map((line) => (line === "" ? "" : prefix + line));
}

/**
 * A readable rendering of an outline: header facts, then sections in `order` with their content
 * and the insights they name, then insights no section names. `--json` gives the exact outline.
 */
export function renderOutline(outline: Outline): string {
  const tags = tagsOf(outline);
  const lines = [
    oneLine(outline.title),
    `  id       ${outline.report_id}`,
    `  version  ${outline.outline_version}   status ${oneLine(statusOf(outline))}   tags ${tags.length === 0 ? "-" : tags.map(oneLine).join(", ")}`,
    `  created  ${outline.created_at}   updated ${outline.updated_at}`,
  ];
  const insights = new Map(outline.insights.map((i) => [i.insight_id, i]));
  const shown = new Set<string>();
  const insightLine = (id: string): string => {
    const insight = insights.get(id);
    if (insight === undefined) return `    - [missing insight ${id}]`;
    shown.add(id);
    return `    - (${insight.importance}) ${oneLine(insight.summary)}${insight.status === "active" ? "" : ` [${insight.status}]`}`;
  };
  for (const section of [...outline.sections].sort((a, b) => a.order - b.order)) {
    lines.push("", `## ${oneLine(section.title)}`);
    if (section.content !== undefined && section.content !== null && section.content !== "") {
      lines.push(...indent(section.content, "    "));
    }
    lines.push(...section.insight_ids.map(insightLine));
  }
  const loose = outline.insights.filter((i) => !shown.has(i.insight_id));
  if (loose.length > 0) {
    lines.push("", "## Insights not in a section");
    lines.push(...loose.map((i) => insightLine(i.insight_id)));
  }
  return lines.join("\n");
}
