export { emptyCensus, type MaterialisationCensus, materialisationCensus } from "./materialisationCensus.js";
export { PausableClock } from "./pausableClock.js";
export { PausedWriter } from "./pausedWriter.js";
export { protocolWorkloads } from "./protocolWorkloads.js";
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
