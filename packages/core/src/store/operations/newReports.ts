import { randomUUID } from "node:crypto";
import type { Insight, Outline, Section } from "../../schema/index.js";
import { commitNewReport } from "../commit/commitNew.js";
import { readOutline } from "../reads/readOutline.js";
import type { StoreContext } from "../shared/context.js";
import { invalidInput } from "../shared/inputChecks.js";
import { isoTimestamp } from "../shared/timestamps.js";
import type { CreateInput, MutationOptions } from "../shared/types.js";
import { checkTags, checkTitle } from "./mutations.js";

/**
 * Creates a report (`create` {initial_title}); `tags` go to `metadata.tags` (duplicates dropped).
 *
 * @throws LivingReportsError INVALID_INPUT for a missing title or `tags` that is not an array of
 *   non-empty strings (a string is refused, not spread into letters), before anything is written
 */
export async function createReport(
  ctx: StoreContext,
  input: CreateInput,
  options: MutationOptions,
): Promise<Outline> {
  if (typeof input !== "object" || input === null) throw invalidInput("create needs { title, ... }");
  checkTitle(input.title);
  const metadata: Record<string, unknown> = { ...(input.metadata ?? {}) };
  if (input.tags !== undefined) metadata.tags = [...new Set(checkTags(input.tags, "create with"))];
  else metadata.tags ??= [];
  const id = randomUUID();
  const now = isoTimestamp(ctx.options.now());
  const draft = {
    report_id: id,
    title: input.title,
    created_at: now,
    updated_at: now,
    version: "1.0",
    outline_version: 1,
    sections: input.sections ?? [],
    insights: input.insights ?? [],
    metadata,
  };
  return await commitNewReport(ctx, id, draft, "create", { initial_title: input.title }, options);
}

/** Copies report `id` under a new id and title (`fork` {source_report_id, new_title}), version 1. */
export async function forkReport(
  ctx: StoreContext,
  sourceId: string,
  title: string,
  options: MutationOptions,
): Promise<Outline> {
  checkTitle(title);
  const source = await readOutline(ctx, sourceId);
  const id = randomUUID();
  const now = isoTimestamp(ctx.options.now());
  const draft = { ...source, report_id: id, title, created_at: now, updated_at: now, outline_version: 1 };
  return await commitNewReport(
    ctx,
    id,
    draft,
    "fork",
    { source_report_id: sourceId, new_title: title },
    options,
  );
}

/**
 * Makes a new report from copies of the sources' sections and insights under NEW ids (the
 * `insight_ids` of copied sections follow their insights), sections in source order
 * (`synthesize` {source_report_ids, new_title, sections_added, insights_added}).
 */
export async function synthesizeReports(
  ctx: StoreContext,
  sourceIds: string[],
  title: string,
  options: MutationOptions,
): Promise<Outline> {
  checkTitle(title);
  if (!Array.isArray(sourceIds) || sourceIds.length === 0)
    throw invalidInput("synthesize needs source reports");
  const unique = [...new Set(sourceIds)];
  const sources = await Promise.all(unique.map((id) => readOutline(ctx, id)));
  const sections: Section[] = [];
  const insights: Insight[] = [];
  for (const source of sources) {
    const renamed = new Map(source.insights.map((i) => [i.insight_id, randomUUID()]));
    for (const insight of source.insights) {
      insights.push({ ...insight, insight_id: renamed.get(insight.insight_id)! });
    }
    const ordered = [...source.sections].sort((a, b) => a.order - b.order);
    for (const section of ordered) {
      sections.push({
        ...section,
        section_id: randomUUID(),
        order: sections.length,
        insight_ids: section.insight_ids.map((i) => renamed.get(i) ?? i),
      });
    }
  }
  const id = randomUUID();
  const now = isoTimestamp(ctx.options.now());
  const draft = {
    report_id: id,
    title,
    created_at: now,
    updated_at: now,
    version: "1.0",
    outline_version: 1,
    sections,
    insights,
    metadata: { tags: [] },
  };
  const payload = {
    source_report_ids: unique,
    new_title: title,
    sections_added: sections.length,
    insights_added: insights.length,
  };
  return await commitNewReport(ctx, id, draft, "synthesize", payload, options);
}
