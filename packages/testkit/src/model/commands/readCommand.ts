import type { AsyncCommand } from "fast-check";
import { expect } from "vitest";
import { dataSnapshot } from "../../conformance/storeSupport.js";
import type { ModelState, StoreModel } from "../modelState.js";
import type { RealSystem } from "../realSystem.js";

/**
 * A read of the store (get, list, history): its answer must be what the model predicts, and it
 * must write nothing (docs/GUARANTEES.md: reads never write).
 */
export abstract class ReadCommand implements AsyncCommand<StoreModel, RealSystem> {
  abstract canRun(state: ModelState): boolean;

  /** Makes the read and checks its answer against the model. @throws the assertion error */
  abstract read(state: ModelState, real: RealSystem): Promise<void>;

  abstract toString(): string;

  check(model: Readonly<StoreModel>): boolean {
    return this.canRun(model.state);
  }

  async run(model: StoreModel, real: RealSystem): Promise<void> {
    real.stats.commands += 1;
    const before = await dataSnapshot(real.disk);
    await this.read(model.state, real);
    expect(await dataSnapshot(real.disk), `${this.toString()} must write nothing`).toEqual(before);
  }
}
