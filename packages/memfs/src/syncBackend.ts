import type { FileStat, OpenMode, StorageBackend } from "@living-reports/core";

/**
 * A file open through a {@link SyncStorageBackend}: the synchronous twin of core's `FileHandle`,
 * same semantics and errors (a `LivingReportsError` thrown instead of a rejected promise).
 */
export interface SyncFileHandle {
  readonly path: string;
  read(length: number, position: number): Uint8Array;
  write(data: Uint8Array, position?: number): number;
  sync(): void;
  datasync(): void;
  truncate(length: number): void;
  stat(): FileStat;
  close(): void;
}

/**
 * The synchronous twin of core's `StorageBackend` primitives, which a memfs disk can offer because
 * its volume and durability model live in memory: what lets `createFsFromDisk` serve `node:fs`'s
 * sync API (`writeFileSync`, `fsyncSync`, ...) through the same model, without blocking on a
 * promise. Same paths, semantics and errors as the async backend it belongs to.
 */
export interface SyncStorageBackend {
  readonly storageId: string;
  open(path: string, mode: OpenMode): SyncFileHandle;
  readFile(path: string): Uint8Array;
  syncDir(path: string): void;
  rename(from: string, to: string): void;
  link(existing: string, to: string): void;
  unlink(path: string): void;
  mkdir(path: string): void;
  rmdir(path: string): void;
  readdir(path: string): string[];
  stat(path: string): FileStat;
  utimes(path: string, mtimeMs: number): void;
}

const SYNC_TWINS = new WeakMap<StorageBackend, SyncStorageBackend>();

/** Registers the synchronous twin of a backend instance (memfs backends do, at creation). */
export function registerSyncTwin(backend: StorageBackend, twin: SyncStorageBackend): void {
  SYNC_TWINS.set(backend, twin);
}

/**
 * The synchronous twin of `backend`, when it has one: a memfs backend itself does; a wrapper
 * (tracing, fault injection) does not, since its behaviour is async, so code going through it
 * has only the async API.
 */
export function syncTwinOf(backend: StorageBackend): SyncStorageBackend | undefined {
  return SYNC_TWINS.get(backend);
}
