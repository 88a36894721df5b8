import { describe, expect, it } from "vitest";
import { registerModelTests } from "./durability/modelTests.js";
import { registerSurvivalTests } from "./durability/survivalTests.js";
import type { ConformanceTarget } from "./target.js";
import { titleOf, withRoot } from "./withRoot.js";

/**
 * Registers the durability-model tests (docs/CRASH-MODEL.md) for a backend whose roots offer `crash()`: what
 * survives a simulated power loss in each mode. A backend without `crash()` has real durability,
 * which the crash explorer covers: for it one skipped test says so (never a pass).
 *
 * Whether roots have `crash()` is learnt from one probe root made while tests are collected.
 */
export function describeDurabilityModel(target: ConformanceTarget): void {
  describe(titleOf(target, "durability model"), async () => {
    const simulated = await withRoot(target, async (root) => root.crash !== undefined);
    if (!simulated) {
      describe.skipIf(true)("real durability: no simulated crash on this backend", () => {
        it("is crash-tested by the crash explorer on a real directory, not by root.crash here", () =>
          withRoot(target, async ({ backend }) => {
            expect(backend.capabilities.durability).not.toBe("simulated");
          }));
      });
      return;
    }
    describe("simulated power loss", () => {
      registerSurvivalTests(target);
      registerModelTests(target);
    });
  });
}
