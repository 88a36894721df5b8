import type { Outline } from "@living-reports/core";
import { expect } from "vitest";
import { liveIds, type ModelState, pickFrom, tagsOf } from "../modelState.js";
import type { RealSystem } from "../realSystem.js";
import { commitChange, retagged } from "../transitions.js";
import { OperationCommand, type PreparedCall, predicted, q } from "./operationCommand.js";

/** `tag(report, { add, remove })`: the next version, recorded as `tag_update`. */
export class TagCommand extends OperationCommand {
  constructor(
    readonly pick: number,
    readonly add: readonly string[],
    readonly remove: readonly string[],
  ) {
    super();
  }

  canRun(state: ModelState): boolean {
    return state.live.size > 0;
  }

  async prepare(state: ModelState, real: RealSystem): Promise<PreparedCall> {
    const id = pickFrom(liveIds(state), this.pick)!;
    const next = retagged(state.live.get(id)!.content, this.add, this.remove);
    return predicted(
      () => real.store.tag(id, { add: [...this.add], remove: [...this.remove] }),
      commitChange(state, id, "tag_update", next),
      (answer) => expect((answer as Outline).metadata.tags).toEqual(tagsOf(next)),
    );
  }

  toString(): string {
    return `tag(report #${this.pick}, add ${q(this.add)}, remove ${q(this.remove)})`;
  }
}
