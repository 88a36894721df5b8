import { expect } from "vitest";
import { liveIds, type ModelState, pickFrom } from "../modelState.js";
import { modelOutline, realOutline } from "../observation.js";
import type { RealSystem } from "../realSystem.js";
import { ReadCommand } from "./readCommand.js";

/** `get(report)`: the outline the model predicts (title, tags, status, version, content). */
export class GetCommand extends ReadCommand {
  constructor(readonly pick: number) {
    super();
  }

  canRun(state: ModelState): boolean {
    return state.live.size > 0;
  }

  async read(state: ModelState, real: RealSystem): Promise<void> {
    const id = pickFrom(liveIds(state), this.pick)!;
    const outline = await real.store.get(id);
    expect(outline.report_id).toBe(id);
    expect(realOutline(outline), this.toString()).toEqual(modelOutline(state.live.get(id)!));
  }

  toString(): string {
    return `get(report #${this.pick})`;
  }
}
