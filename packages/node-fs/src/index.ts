/**
 * @living-reports/node-fs: the living-reports storage backend over `node:fs`, confined to its
 * root, with mkdir locks on the wall clock.
 */
export { type NodeFsLockOptions, nodeFsLockPrimitive } from "./lock/index.js";
export { type NodeFsBackend, type NodeFsBackendOptions, nodeFsBackend } from "./nodeFsBackend.js";
export type { FsyncApi } from "./syncScheduler.js";
