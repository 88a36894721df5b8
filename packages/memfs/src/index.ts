/**
 * @living-reports/memfs: a storage backend over a memfs volume with a durability model, so that
 * power loss can be simulated exactly (docs/CRASH-MODEL.md): unsynced data and unsynced directory entries are
 * lost, kept in order, torn or reordered, as the crash mode says.
 */
export { selectCrash, TORN_FILLS, type TornWrites } from "./crashSelection.js";
export type { DiskImage, ImageDir, ImageFile, ImageNode } from "./diskImage.js";
export type { DurabilityModelState } from "./durabilityModel.js";
export { MEMFS_CAPABILITIES, type MemfsBackend } from "./memfsBackend.js";
export {
  createMemfsDisk,
  type MemfsCrashOptions,
  MemfsDisk,
  type MemfsDiskOptions,
  type MemfsDiskSnapshot,
  memfsBackend,
} from "./memfsDisk.js";
export { memfsDisks } from "./memfsDisks.js";
export {
  createFsFromBackend,
  createFsFromDisk,
  FACADE_FUNCTIONS,
  type FsFacade,
  type FsFacadeOptions,
} from "./nodeFs/createFs.js";
export type { NodeFsError } from "./nodeFs/nodeErrors.js";
export {
  type CrashSelection,
  type CrashTear,
  type DataChange,
  type EntryChange,
  type EntryChangeKind,
  isDataChange,
  type PendingChange,
  type TruncateChange,
  type WriteChange,
} from "./pendingChange.js";
export { mulberry32 } from "./prng.js";
export type { SyncFileHandle, SyncStorageBackend } from "./syncBackend.js";
export { syncTwinOf } from "./syncBackend.js";
export { VirtualClock } from "./virtualClock.js";
export { type FsGetter, mockNodeFs, mockNodeFsPromises, requireWithFs } from "./vitest.js";
