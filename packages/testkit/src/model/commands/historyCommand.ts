import { expect } from "vitest";
import { liveIds, type ModelState, pickFrom } from "../modelState.js";
import { eventLabel, modelHistory } from "../observation.js";
import type { RealSystem } from "../realSystem.js";
import { ReadCommand } from "./readCommand.js";

/**
 * `history(report)`: the model's events in commit order (G3), each naming the report, with
 * distinct action ids, and the versions the committed ones carry rising by exactly 1 (G6).
 */
export class HistoryCommand extends ReadCommand {
  constructor(readonly pick: number) {
    super();
  }

  canRun(state: ModelState): boolean {
    return state.live.size > 0;
  }

  async read(state: ModelState, real: RealSystem): Promise<void> {
    const id = pickFrom(liveIds(state), this.pick)!;
    const history = await real.store.history(id);
    expect(history.map(eventLabel), this.toString()).toEqual(modelHistory(state.live.get(id)!));
    expect(new Set(history.map((e) => e.report_id))).toEqual(new Set([id]));
    expect(new Set(history.map((e) => e.action_id)).size).toBe(history.length);
    const versions = history.flatMap((e) =>
      typeof e.payload.outline_version === "number" ? [e.payload.outline_version] : [],
    );
    expect(versions).toEqual(versions.map((_, i) => i + 1));
  }

  toString(): string {
    return `history(report #${this.pick})`;
  }
}
