/**
 * The conformance suite, one barrel: `runConformanceSuite` and each of its areas, for a backend's
 * test file. Everything here registers vitest `describe` blocks, so it imports vitest; the crash
 * explorer (`@living-reports/testkit/explorer`) and fault injection (`@living-reports/testkit/faults`)
 * do not.
 */
export { describeBackendPrimitives } from "./backendPrimitives.js";
export { describeDurabilityModel } from "./durabilityModel.js";
export { describeFaults } from "./faults.js";
export { describeLegacyStores, type LegacyFixture, legacyFixturesDir, readFixture } from "./legacy.js";
export { describeModelBased } from "./modelBased.js";
export { runConformanceSuite } from "./runConformanceSuite.js";
export { describeSyscallBudget } from "./syscallBudget.js";
export type { ConformanceTarget, TargetRoot } from "./target.js";
export { titleOf, withRoot } from "./withRoot.js";
