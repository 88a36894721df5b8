import { ErrorCode } from "@living-reports/core";
import { liveIds, type ModelState, pickFrom } from "../modelState.js";
import type { RealSystem } from "../realSystem.js";
import { OperationCommand, type PreparedCall, refused } from "./operationCommand.js";

/** The operations a stale expected version is tried on. */
export type StaleTarget = "update" | "rename" | "tag" | "archive" | "delete";

/**
 * A mutation with a stale expected version (G6): the version just below the current one when
 * there is one, else one above. It must fail with VERSION_CONFLICT and write nothing.
 */
export class StaleVersionCommand extends OperationCommand {
  constructor(
    readonly pick: number,
    readonly target: StaleTarget,
    readonly ahead: number,
  ) {
    super();
  }

  canRun(state: ModelState): boolean {
    return state.live.size > 0;
  }

  async prepare(state: ModelState, real: RealSystem): Promise<PreparedCall> {
    const id = pickFrom(liveIds(state), this.pick)!;
    const version = state.live.get(id)!.version;
    const stale = version > 1 && this.ahead === 0 ? version - 1 : version + 1 + this.ahead;
    const options = { expectedVersion: stale };
    const { store } = real;
    const current = await store.get(id);
    const calls: Record<StaleTarget, () => Promise<unknown>> = {
      update: () => store.update({ ...current, title: "stale", outline_version: stale }),
      rename: () => store.rename(id, "stale", options),
      tag: () => store.tag(id, { add: ["stale"] }, options),
      archive: () => store.archive(id, options),
      delete: () => store.delete(id, options),
    };
    return refused(calls[this.target], state, ErrorCode.VERSION_CONFLICT);
  }

  toString(): string {
    return `${this.target}(report #${this.pick}) with a stale version (${this.ahead === 0 ? "behind" : `ahead +${this.ahead}`})`;
  }
}
