import type { ActionType, Clock, Outline, TrashEntry } from "@living-reports/core";
import type { WorkloadContext } from "../explorer/workload.js";

/**
 * What an acknowledged store operation promises, as the store checker reads it from a step:
 * a committed outline (with the event it recorded) or a report moved to the trash.
 */
export type StoreEffect =
  | {
      readonly kind: "outline";
      readonly reportId: string;
      readonly outline: Outline;
      /** The action of the event that records this version (absent: an earlier event recorded it, e.g. a restore). */
      readonly action?: ActionType;
    }
  | { readonly kind: "deleted"; readonly reportId: string }
  | {
      /** `outline.json` written behind the library's back (a manual edit, G9). */
      readonly kind: "edited";
      readonly reportId: string;
      /** What the edit wrote, parsed. */
      readonly outline: Outline;
      /** The SHA-256 (hex) of the bytes it wrote. */
      readonly sha256: string;
      /** The bytes it wrote, as text. */
      readonly text: string;
      /** Whether the edit was made durable (fsync, rename, directory fsync) before it resolved. */
      readonly durable: boolean;
    };

/** True for a {@link StoreEffect} (steps of other kinds are ignored by the store checker). */
export function isStoreEffect(value: unknown): value is StoreEffect {
  if (typeof value !== "object" || value === null) return false;
  const kind = (value as { kind?: unknown }).kind;
  return (
    (kind === "outline" || kind === "deleted" || kind === "edited") &&
    typeof (value as { reportId?: unknown }).reportId === "string"
  );
}

/**
 * Runs a store operation that commits an outline as a recorded step; `action` is the event that
 * records its version (`undefined` when the operation keeps the version, as a restore does).
 */
export function commitStep(
  ctx: WorkloadContext,
  label: string,
  action: ActionType | undefined,
  run: () => Promise<Outline>,
): Promise<Outline> {
  return ctx.step(label, run, (outline): StoreEffect => {
    const base = { kind: "outline", reportId: outline.report_id, outline } as const;
    return action === undefined ? base : { ...base, action };
  });
}

/** Runs a store delete as a recorded step. */
export function deleteStep(
  ctx: WorkloadContext,
  label: string,
  run: () => Promise<TrashEntry>,
): Promise<TrashEntry> {
  return ctx.step(label, run, (entry): StoreEffect => ({ kind: "deleted", reportId: entry.report_id }));
}

const ticks = new WeakMap<Clock, number>();

/**
 * A deterministic `now` for the stores of a workload: one second later on every call, shared by
 * every store on the same `clock` (so events of setup, of the run and of two processes stay in
 * commit order), never behind the clock itself. Timestamps and backup names replay.
 */
export function steppingNow(clock: Clock): () => Date {
  return () => {
    const next = Math.max(ticks.get(clock) ?? 0, clock.now()) + 1000;
    ticks.set(clock, next);
    return new Date(next);
  };
}
