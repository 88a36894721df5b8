import type { Outline } from "@living-reports/core";
import { expect } from "vitest";
import { type ModelState, pickFrom, trashIds } from "../modelState.js";
import type { RealSystem } from "../realSystem.js";
import { restoreReport } from "../transitions.js";
import { OperationCommand, type PreparedCall, predicted } from "./operationCommand.js";

/** `trashRestore(report)`: a deleted report back in `by_id/`, its version unchanged. */
export class RestoreCommand extends OperationCommand {
  constructor(readonly pick: number) {
    super();
  }

  canRun(state: ModelState): boolean {
    return state.trash.size > 0;
  }

  async prepare(state: ModelState, real: RealSystem): Promise<PreparedCall> {
    const id = pickFrom(trashIds(state), this.pick)!;
    const version = state.trash.get(id)!.version;
    return predicted(
      () => real.store.trashRestore(id),
      restoreReport(state, id),
      (answer) => expect((answer as Outline).outline_version).toBe(version),
    );
  }

  toString(): string {
    return `restore(trashed #${this.pick})`;
  }
}
