import type { TrashEntry } from "@living-reports/core";
import { expect } from "vitest";
import { liveIds, type ModelState, pickFrom } from "../modelState.js";
import type { RealSystem } from "../realSystem.js";
import { deleteReport } from "../transitions.js";
import { OperationCommand, type PreparedCall, predicted } from "./operationCommand.js";

/** `delete(report)`: a soft delete into the trash, recorded as `delete`. */
export class DeleteCommand extends OperationCommand {
  constructor(readonly pick: number) {
    super();
  }

  canRun(state: ModelState): boolean {
    return state.live.size > 0;
  }

  async prepare(state: ModelState, real: RealSystem): Promise<PreparedCall> {
    const id = pickFrom(liveIds(state), this.pick)!;
    const title = state.live.get(id)!.content.title;
    return predicted(
      () => real.store.delete(id),
      deleteReport(state, id),
      (answer) => expect(answer as TrashEntry).toMatchObject({ report_id: id, title }),
    );
  }

  toString(): string {
    return `delete(report #${this.pick})`;
  }
}
