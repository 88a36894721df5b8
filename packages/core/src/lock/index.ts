export { type Clock, systemClock, type TimerHandle } from "./clock.js";
export { createLockManager, type LockManagerOptions } from "./createLockManager.js";
export type { LockHooks } from "./lease.js";
export { DEFAULT_LOCK_OPTIONS, type LockHandle, type LockManager, type LockOptions } from "./lockManager.js";
export {
  isStale,
  type LockPrimitive,
  type LockState,
  type PrimitiveContext,
  type PrimitiveLock,
  sameLockInstance,
} from "./lockPrimitive.js";
export { inspectPath, mkdirPrimitive } from "./mkdirPrimitive.js";
export { RECLAIM_GUARD_SUFFIX } from "./reclaim.js";
export { WAITING_MARKER_SUFFIX } from "./waitingMarker.js";
