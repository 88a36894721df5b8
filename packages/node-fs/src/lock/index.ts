export { type BackendFsShim, LockFsShim } from "./backendFsShim.js";
export { type ProperLockfileLocksOptions, properLockfileLocks } from "./properLockfileLocks.js";
export { properLockfilePrimitive } from "./properLockfilePrimitive.js";
