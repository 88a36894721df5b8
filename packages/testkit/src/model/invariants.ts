import { expect } from "vitest";
import type { ModelState } from "./modelState.js";
import { expectedObservation, observeIndexAsNewReader, observeStore } from "./observation.js";
import type { RealSystem } from "./realSystem.js";

/**
 * The invariant checked after every command: what a reader sees of the store equals the model
 * exactly. Every acknowledged change is there (G2), versions are exact (G6), `list()` is the
 * model's live reports with their current title, tags and status (G5), histories have exactly
 * the model's events in order (G3), the trash holds exactly the model's deleted reports; and
 * another process opening the store now lists the same (the index on disk, not just in memory).
 *
 * @throws the assertion error, naming the command after which the store diverged
 */
export async function assertMatchesModel(state: ModelState, real: RealSystem, after: string): Promise<void> {
  const expected = expectedObservation(state);
  expect(await observeStore(real), `the store differs from the model after ${after}`).toEqual(expected);
  const index = Object.fromEntries(Object.entries(expected).filter(([key]) => key.startsWith("index:")));
  expect(await observeIndexAsNewReader(real), `another process's list() after ${after}`).toEqual(index);
}

/** `verify()` finds no problem (after a crash, a recovery or a run). @throws the assertion error */
export async function assertVerifies(real: RealSystem, after: string): Promise<void> {
  const report = await real.store.verify();
  expect(report.problems, `verify after ${after}`).toEqual([]);
}
