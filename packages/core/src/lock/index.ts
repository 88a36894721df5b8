export { type Clock, systemClock, type TimerHandle } from "./clock.js";
export { DEFAULT_LOCK_OPTIONS, type LockHandle, type LockManager, type LockOptions } from "./lockManager.js";
