export {
  type CheckedWorkload,
  concurrentAuditWorkload,
  createWorkload,
  evolveWorkload,
  indexChangesWorkload,
  standardWorkloads,
} from "./standardWorkloads.js";
export { describeError, storeChecker } from "./storeChecker.js";
export { commitStep, deleteStep, isStoreEffect, type StoreEffect } from "./storeEffect.js";
