import { ErrorCode, type Outline } from "@living-reports/core";
import { expect } from "vitest";
import { liveIds, type ModelState, pickFrom } from "../modelState.js";
import type { RealSystem } from "../realSystem.js";
import { commitChange } from "../transitions.js";
import { OperationCommand, type PreparedCall, predicted, refused } from "./operationCommand.js";

/**
 * `revert(report, action)`: commits the backup the action recorded (the content before it) as the
 * next version; an action that recorded no backup (create, fork, delete, restore) is refused
 * with INVALID_INPUT and changes nothing.
 */
export class RevertCommand extends OperationCommand {
  constructor(
    readonly pick: number,
    readonly event: number,
  ) {
    super();
  }

  canRun(state: ModelState): boolean {
    return state.live.size > 0;
  }

  async prepare(state: ModelState, real: RealSystem): Promise<PreparedCall> {
    const id = pickFrom(liveIds(state), this.pick)!;
    const report = state.live.get(id)!;
    const k = this.event % report.events.length;
    const target = report.events[k]!;
    const recorded = (await real.store.history(id))[k];
    expect(recorded?.action_type, `event ${k} of ${id}`).toBe(target.action);
    const actionId = recorded!.action_id;
    const call = () => real.store.revert(id, actionId);
    if (target.before === null) return refused(call, state, ErrorCode.INVALID_INPUT);
    return predicted(call, commitChange(state, id, "revert", target.before), (answer) =>
      expect((answer as Outline).outline_version).toBe(report.version + 1),
    );
  }

  toString(): string {
    return `revert(report #${this.pick}, event #${this.event})`;
  }
}
