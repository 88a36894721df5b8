export { type NodeFsLockOptions, nodeFsLockPrimitive } from "./nodeFsLocks.js";
