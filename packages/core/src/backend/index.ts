export { CRASH_MODES, type CrashMode, type CrashOptions } from "./crashable.js";
export { DelegatingBackend, DelegatingHandle } from "./delegatingBackend.js";
export { basename, dirname, joinPath, normalizePath } from "./paths.js";
export { statIfExists } from "./statIfExists.js";
export type {
  BackendCapabilities,
  FileHandle,
  FileStat,
  OpenMode,
  StorageBackend,
} from "./storageBackend.js";
