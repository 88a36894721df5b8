import type { Outline } from "@living-reports/core";
import { expect } from "vitest";
import { liveIds, type ModelState, pickFrom } from "../modelState.js";
import type { RealSystem } from "../realSystem.js";
import { sampleSections } from "../sampleSections.js";
import { commitChange } from "../transitions.js";
import { OperationCommand, type PreparedCall, predicted, q } from "./operationCommand.js";

/**
 * How an update states the version it expects: the outline's own `outline_version` (`implicit`,
 * docs/CLI.md's safe default), `expectedVersion` (`explicit`), or none at all (`force`, given an
 * outline with a wrong version to show the check is skipped).
 */
export type UpdateMode = "implicit" | "explicit" | "force";

/** `update(outline)`: replaces title, sections and insights; the next version, recorded as `evolve`. */
export class UpdateCommand extends OperationCommand {
  constructor(
    readonly pick: number,
    readonly title: string,
    readonly seed: number,
    readonly sectionCount: number,
    readonly mode: UpdateMode,
  ) {
    super();
  }

  canRun(state: ModelState): boolean {
    return state.live.size > 0;
  }

  async prepare(state: ModelState, real: RealSystem): Promise<PreparedCall> {
    const id = pickFrom(liveIds(state), this.pick)!;
    const report = state.live.get(id)!;
    const body = sampleSections(this.seed, this.sectionCount);
    const current = await real.store.get(id);
    const input: Outline = { ...current, title: this.title, ...body };
    const next = { ...report.content, title: this.title, ...body };
    const call =
      this.mode === "implicit"
        ? () => real.store.update(input)
        : this.mode === "explicit"
          ? () => real.store.update({ ...input, outline_version: 1 }, { expectedVersion: report.version })
          : () => real.store.update({ ...input, outline_version: report.version + 5 }, { force: true });
    return predicted(call, commitChange(state, id, "evolve", next), (answer) =>
      expect((answer as Outline).outline_version).toBe(report.version + 1),
    );
  }

  toString(): string {
    return `update(report #${this.pick}, ${q(this.title)}, ${this.sectionCount} sections #${this.seed}, ${this.mode})`;
  }
}
