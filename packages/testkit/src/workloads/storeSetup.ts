import {
  type OpenReportsOptions,
  openReports,
  type ReportStore,
  type StorageBackend,
} from "@living-reports/core";
import type { SetupContext, WorkloadContext } from "../explorer/workload.js";
import { steppingNow } from "./storeEffect.js";

/** The options every workload store is opened with: the disk's clock, a replayable `now`. */
export function storeOptions(
  ctx: { clock: SetupContext["clock"] },
  extra: OpenReportsOptions = {},
): OpenReportsOptions {
  return { ...extra, clock: ctx.clock, now: steppingNow(ctx.clock) };
}

/** Opens a store on `backend` with {@link storeOptions}. */
export function openWorkloadStore(
  ctx: WorkloadContext | SetupContext,
  backend: StorageBackend,
  extra: OpenReportsOptions = {},
): Promise<ReportStore> {
  return openReports(backend, storeOptions(ctx, extra));
}

/**
 * Setup of a store workload: creates the store and `titles` reports, closes it cleanly.
 *
 * @returns the ids of the reports created, in order
 */
export async function setupStore(
  ctx: SetupContext,
  titles: readonly string[],
  extra: OpenReportsOptions = {},
): Promise<string[]> {
  const store = await openReports(ctx.backend, storeOptions(ctx, { ...extra, create: true }));
  try {
    const ids: string[] = [];
    for (const title of titles) ids.push((await store.create({ title, tags: ["seed"] })).report_id);
    return ids;
  } finally {
    await store.close();
  }
}

/** An integer in [min, max] from the workload's PRNG. */
export function between(rand: () => number, min: number, max: number): number {
  return min + Math.floor(rand() * (max - min + 1));
}
