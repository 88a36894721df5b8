export {
  type CheckedWorkload,
  concurrentAuditWorkload,
  createWorkload,
  evolveWorkload,
  indexChangesWorkload,
  standardWorkloads,
} from "./standardWorkloads.js";
export { describeError, storeChecker } from "./storeChecker.js";
export { commitStep, deleteStep, isStoreEffect, type StoreEffect, steppingNow } from "./storeEffect.js";
export { between, openWorkloadStore, setupStore, storeOptions } from "./storeSetup.js";
