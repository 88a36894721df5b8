export { canonicalStateKey } from "./canonicalState.js";
export type {
  CrashableDisk,
  CrashChange,
  CrashSelectionSpec,
  CrashTearSpec,
  DiskModel,
  MaterializedState,
  Materializer,
  TornFill,
} from "./crashableDisk.js";
export { DEFAULT_TORN_FILLS, TORN_FILLS } from "./crashableDisk.js";
export {
  type CrashcheckJob,
  type CrashcheckJobIo,
  planLanes,
  runCrashcheckJob,
} from "./crashcheckJob.js";
export type { CrashFailure, CrashStateDescription, FailureRank } from "./crashFailure.js";
export { type DirectoryMaterializerOptions, directoryMaterializer } from "./directoryMaterializer.js";
export { enumerateSelections, type TearOptions } from "./enumerateSelections.js";
export { type ExploreOptions, type ExploreResult, exploreCrashes } from "./exploreCrashes.js";
export {
  type CrashcheckIo,
  type CrashcheckOptions,
  type CrashcheckReport,
  parseCrashcheckArgs,
  runCrashcheck,
} from "./runCrashcheck.js";
export { signature } from "./violationSignature.js";
export type {
  CrashCheckContext,
  CrashChecker,
  SetupContext,
  StepRecord,
  Workload,
  WorkloadContext,
} from "./workload.js";
