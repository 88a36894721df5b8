import type { Outline } from "@living-reports/core";
import { expect } from "vitest";
import { liveIds, liveReport, type ModelState, pickFrom } from "../modelState.js";
import type { RealSystem } from "../realSystem.js";
import { addReport, renamed } from "../transitions.js";
import { OperationCommand, type PreparedCall, q } from "./operationCommand.js";

/** `fork(report, title)`: a copy of the report's content under a new id and title, at version 1. */
export class ForkCommand extends OperationCommand {
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
    const source = liveReport(state, pickFrom(liveIds(state), this.pick)!);
    return {
      call: () => real.store.fork(source.id, this.title),
      expected: undefined,
      settle: (answer) => {
        const outline = answer as Outline;
        expect(outline.outline_version).toBe(1);
        expect(outline.report_id).not.toBe(source.id);
        return addReport(state, {
          id: outline.report_id,
          createdAt: outline.created_at,
          content: renamed(source.content, this.title),
          action: "fork",
        });
      },
    };
  }

  toString(): string {
    return `fork(report #${this.pick}, ${q(this.title)})`;
  }
}
