import { liveIds, type ModelState, pickFrom } from "../modelState.js";
import type { RealSystem } from "../realSystem.js";
import { commitChange, withStatus } from "../transitions.js";
import { OperationCommand, type PreparedCall, predicted } from "./operationCommand.js";

/** `archive(report)` (recorded as `archive`), or `setStatus(report, "active")` (as `status_change`). */
export class StatusCommand extends OperationCommand {
  constructor(
    readonly pick: number,
    readonly status: "active" | "archived",
  ) {
    super();
  }

  canRun(state: ModelState): boolean {
    return state.live.size > 0;
  }

  async prepare(state: ModelState, real: RealSystem): Promise<PreparedCall> {
    const id = pickFrom(liveIds(state), this.pick)!;
    const next = withStatus(state.live.get(id)!.content, this.status);
    const action = this.status === "archived" ? "archive" : "status_change";
    return predicted(
      () => (this.status === "archived" ? real.store.archive(id) : real.store.setStatus(id, "active")),
      commitChange(state, id, action, next),
    );
  }

  toString(): string {
    return this.status === "archived" ? `archive(report #${this.pick})` : `unarchive(report #${this.pick})`;
  }
}
