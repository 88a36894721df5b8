import { randomUUID } from "node:crypto";
import type { Outline, ReportStore, Section } from "@living-reports/core";
import type { WorkloadContext } from "../explorer/workload.js";
import { commitStep } from "./storeEffect.js";

/** A new markdown section titled `title` at `order`, with a fresh id. */
export function section(title: string, order: number): Section {
  return {
    section_id: randomUUID(),
    title,
    order,
    insight_ids: [],
    content_format: "markdown",
    metadata: {},
  };
}

/**
 * Records a report made by setup as acknowledged (its `create` event and outline), so the
 * checker knows it must survive every crash.
 */
export function baseline(ctx: WorkloadContext, store: ReportStore, id: string): Promise<Outline> {
  return commitStep(ctx, `baseline ${id.slice(0, 8)}`, "create", () => store.get(id));
}
