import {
  type BackendCapabilities,
  type Clock,
  type FileHandle,
  type FileStat,
  type LockPrimitive,
  mkdirPrimitive,
  type OpenMode,
  type StorageBackend,
} from "@living-reports/core";
import { settle } from "./attempt.js";
import type { LiveFs } from "./liveFs.js";
import type { MemfsDisk } from "./memfsDisk.js";
import { MemfsFileHandle } from "./memfsFileHandle.js";
import { MemfsSyncBackend } from "./memfsSyncBackend.js";
import { registerSyncTwin } from "./syncBackend.js";

/** What the memfs backend can do: hard links, real directory sync, simulated durability. */
export const MEMFS_CAPABILITIES: BackendCapabilities = Object.freeze({
  name: "memfs",
  hardLinks: true,
  directorySync: true,
  durability: "simulated",
});

/**
 * A {@link StorageBackend} over a {@link MemfsDisk}: one "process" on the shared disk. Several
 * instances of one disk see each other's changes at once and share its durability model.
 */
export interface MemfsBackend extends StorageBackend {
  /** The disk this backend works on (to crash it, snapshot it, or make another instance). */
  readonly disk: MemfsDisk;
}

/** Makes a backend instance over a disk's live filesystem (called by {@link MemfsDisk.backend}). */
export function createMemfsBackend(disk: MemfsDisk, fs: LiveFs): MemfsBackend {
  const sync = new MemfsSyncBackend(`memfs:${disk.id}`, fs);
  const backend = new MemfsBackendInstance(disk, sync);
  registerSyncTwin(backend, sync);
  return backend;
}

/*
 * Every call is one synchronous step of the sync twin (which holds the logic), settled as a
 * promise: memfs is synchronous, and doing each call in one step makes it atomic with respect
 * to the other instances.
 */
class MemfsBackendInstance implements MemfsBackend {
  readonly capabilities = MEMFS_CAPABILITIES;
  readonly storageId: string;
  readonly disk: MemfsDisk;
  readonly #sync: MemfsSyncBackend;

  constructor(disk: MemfsDisk, sync: MemfsSyncBackend) {
    this.disk = disk;
    this.#sync = sync;
    this.storageId = sync.storageId;
  }

  open(path: string, mode: OpenMode): Promise<FileHandle> {
    return settle(() => new MemfsFileHandle(this.#sync.open(path, mode)));
  }

  readFile(path: string): Promise<Uint8Array> {
    return settle(() => this.#sync.readFile(path));
  }

  syncDir(path: string): Promise<void> {
    return settle(() => this.#sync.syncDir(path));
  }

  rename(from: string, to: string): Promise<void> {
    return settle(() => this.#sync.rename(from, to));
  }

  link(existing: string, to: string): Promise<void> {
    return settle(() => this.#sync.link(existing, to));
  }

  unlink(path: string): Promise<void> {
    return settle(() => this.#sync.unlink(path));
  }

  mkdir(path: string): Promise<void> {
    return settle(() => this.#sync.mkdir(path));
  }

  rmdir(path: string): Promise<void> {
    return settle(() => this.#sync.rmdir(path));
  }

  readdir(path: string): Promise<string[]> {
    return settle(() => this.#sync.readdir(path));
  }

  stat(path: string): Promise<FileStat> {
    return settle(() => this.#sync.stat(path));
  }

  utimes(path: string, mtimeMs: number): Promise<void> {
    return settle(() => this.#sync.utimes(path, mtimeMs));
  }

  /** The disk's clock: every instance of one disk judges its locks by the same (virtual) time. */
  get clock(): Clock {
    return this.disk.clock;
  }

  /** mkdir locks in the volume, made through `on`, stamped with the disk's clock. */
  lockPrimitive(on: StorageBackend): LockPrimitive {
    return mkdirPrimitive(on, this.disk.clock);
  }
}
