import type { Outline } from "@living-reports/core";
import { expect } from "vitest";
import { liveIds, type ModelState, pickFrom } from "../modelState.js";
import type { RealSystem } from "../realSystem.js";
import { commitChange, renamed } from "../transitions.js";
import { OperationCommand, type PreparedCall, predicted, q } from "./operationCommand.js";

/** `rename(report, title)`: the next version, recorded as `rename`. */
export class RenameCommand extends OperationCommand {
  constructor(
    readonly pick: number,
    readonly title: string,
  ) {
    super();
  }

  canRun(state: ModelState): boolean {
    return state.live.size > 0;
  }

  async prepare(state: ModelState, real: RealSystem): Promise<PreparedCall> {
    const id = pickFrom(liveIds(state), this.pick)!;
    const report = state.live.get(id)!;
    const expected = commitChange(state, id, "rename", renamed(report.content, this.title));
    return predicted(
      () => real.store.rename(id, this.title),
      expected,
      (answer) => expect((answer as Outline).outline_version).toBe(report.version + 1),
    );
  }

  toString(): string {
    return `rename(report #${this.pick}, ${q(this.title)})`;
  }
}
