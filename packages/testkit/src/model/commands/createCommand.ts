import type { Outline } from "@living-reports/core";
import { expect } from "vitest";
import type { ModelState } from "../modelState.js";
import type { RealSystem } from "../realSystem.js";
import { sampleSections } from "../sampleSections.js";
import { addReport } from "../transitions.js";
import { OperationCommand, type PreparedCall, q } from "./operationCommand.js";

/** `create(title, tags, sections)`: a new report at version 1 with one `create` event. */
export class CreateCommand extends OperationCommand {
  constructor(
    readonly title: string,
    readonly tags: readonly string[],
    readonly seed: number,
    readonly sectionCount: number,
  ) {
    super();
  }

  canRun(): boolean {
    return true;
  }

  async prepare(state: ModelState, real: RealSystem): Promise<PreparedCall> {
    const body = sampleSections(this.seed, this.sectionCount);
    const content = { title: this.title, metadata: { tags: [...new Set(this.tags)] }, ...body };
    return {
      call: () => real.store.create({ title: this.title, tags: [...this.tags], ...body }),
      expected: undefined,
      settle(answer) {
        const outline = answer as Outline;
        expect(outline.outline_version).toBe(1);
        expect(state.live.has(outline.report_id) || state.trash.has(outline.report_id)).toBe(false);
        return addReport(state, {
          id: outline.report_id,
          createdAt: outline.created_at,
          content,
          action: "create",
        });
      },
    };
  }

  toString(): string {
    return `create(${q(this.title)}, tags ${q(this.tags)}, ${this.sectionCount} sections #${this.seed})`;
  }
}
