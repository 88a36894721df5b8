import type { ActionType, Outline, TrashEntry } from "@living-reports/core";
import type { WorkloadContext } from "../explorer/workload.js";

/**
 * What an acknowledged store operation promises, as the store checker reads it from a step:
 * a committed outline (with the event it recorded) or a report moved to the trash.
 */
export type StoreEffect =
  | { readonly kind: "outline"; readonly reportId: string; readonly outline: Outline; readonly action: ActionType }
  | { readonly kind: "deleted"; readonly reportId: string };

/** True for a {@link StoreEffect} (steps of other kinds are ignored by the store checker). */
export function isStoreEffect(value: unknown): value is StoreEffect {
  if (typeof value !== "object" || value === null) return false;
  const kind = (value as { kind?: unknown }).kind;
  return (kind === "outline" || kind === "deleted") && typeof (value as { reportId?: unknown }).reportId === "string";
}

/** Runs a store operation that commits an outline as a recorded step. */
export function commitStep(
  ctx: WorkloadContext,
  label: string,
  action: ActionType,
  run: () => Promise<Outline>,
): Promise<Outline> {
  return ctx.step(label, run, (outline): StoreEffect => ({
    kind: "outline",
    reportId: outline.report_id,
    outline,
    action,
  }));
}

/** Runs a store delete as a recorded step. */
export function deleteStep(ctx: WorkloadContext, label: string, run: () => Promise<TrashEntry>): Promise<TrashEntry> {
  return ctx.step(label, run, (entry): StoreEffect => ({ kind: "deleted", reportId: entry.report_id }));
}

/**
 * A deterministic `now` for a store under a workload: one second later on every call, from the
 * clock's time when made, so timestamps and backup names replay.
 */
export function steppingNow(startMs: number): () => Date {
  let tick = 0;
  return () => new Date(startMs + 1000 * tick++);
}
