/**
 * `@living-reports/testkit/explorer`: the crash explorer alone, for runtimes that must not load
 * a test runner (the `living-reports crashcheck` command). The package root also exports the
 * conformance suite, which imports vitest; nothing reached from this entry imports vitest or
 * fast-check (only core and node built-ins), so keep it that way when adding an export here.
 *
 * Every name here is also exported by the package root, with the same meaning.
 */

export { canonicalStateKey } from "./explorer/canonicalState.js";
export type {
  CrashableDisk,
  CrashChange,
  CrashSelectionSpec,
  CrashTearSpec,
  DiskModel,
  MaterializedState,
  Materializer,
  TornFill,
} from "./explorer/crashableDisk.js";
export { DEFAULT_TORN_FILLS, TORN_FILLS } from "./explorer/crashableDisk.js";
export {
  type CrashcheckJob,
  type CrashcheckJobIo,
  planLanes,
  runCrashcheckJob,
} from "./explorer/crashcheckJob.js";
export type { CrashFailure, CrashStateDescription, FailureRank } from "./explorer/crashFailure.js";
export {
  type DirectoryMaterializerOptions,
  directoryMaterializer,
} from "./explorer/directoryMaterializer.js";
export type { TearOptions } from "./explorer/enumerateSelections.js";
export { type ExploreOptions, type ExploreResult, exploreCrashes } from "./explorer/exploreCrashes.js";
export {
  type CrashcheckIo,
  type CrashcheckOptions,
  type CrashcheckReport,
  parseCrashcheckArgs,
  runCrashcheck,
} from "./explorer/runCrashcheck.js";
export type {
  CrashCheckContext,
  CrashChecker,
  SetupContext,
  StepRecord,
  Workload,
  WorkloadContext,
} from "./explorer/workload.js";
export { type MutantResult, type MutantRunOptions, runMutant } from "./mutants/runMutants.js";
export { type Mutant, standardMutants } from "./mutants/standardMutants.js";
export { protocolWorkloads } from "./workloads/protocolWorkloads.js";
export { type CheckedWorkload, standardWorkloads } from "./workloads/standardWorkloads.js";
export { describeError, storeChecker } from "./workloads/storeChecker.js";
