import type { Clock } from "../lock/clock.js";
import type { LockPrimitive } from "../lock/lockPrimitive.js";
import type {
  BackendCapabilities,
  FileHandle,
  FileStat,
  OpenMode,
  StorageBackend,
} from "./storageBackend.js";

/**
 * A backend that forwards every call to `inner` unchanged: the one base of every wrapper (the
 * store's lock-bound view; the testkit's trace recorder, fault injection, process views, crash
 * explorer watcher and mutants; your own). Each overrides just the calls it changes, and a
 * primitive added to {@link StorageBackend} is forwarded in one place.
 * `lockPrimitive(on)` passes `on` through, so lock files go through the outermost wrapper.
 */
export class DelegatingBackend implements StorageBackend {
  constructor(protected readonly inner: StorageBackend) {}

  get capabilities(): BackendCapabilities {
    return this.inner.capabilities;
  }

  get storageId(): string {
    return this.inner.storageId;
  }

  get clock(): Clock {
    return this.inner.clock;
  }

  open(path: string, mode: OpenMode): Promise<FileHandle> {
    return this.inner.open(path, mode);
  }

  readFile(path: string): Promise<Uint8Array> {
    return this.inner.readFile(path);
  }

  syncDir(path: string): Promise<void> {
    return this.inner.syncDir(path);
  }

  rename(from: string, to: string): Promise<void> {
    return this.inner.rename(from, to);
  }

  link(existing: string, to: string): Promise<void> {
    return this.inner.link(existing, to);
  }

  unlink(path: string): Promise<void> {
    return this.inner.unlink(path);
  }

  mkdir(path: string): Promise<void> {
    return this.inner.mkdir(path);
  }

  rmdir(path: string): Promise<void> {
    return this.inner.rmdir(path);
  }

  readdir(path: string): Promise<string[]> {
    return this.inner.readdir(path);
  }

  stat(path: string): Promise<FileStat> {
    return this.inner.stat(path);
  }

  utimes(path: string, mtimeMs: number): Promise<void> {
    return this.inner.utimes(path, mtimeMs);
  }

  lockPrimitive(on: StorageBackend): LockPrimitive {
    return this.inner.lockPrimitive(on);
  }
}

/** A file handle that forwards every call to `inner` unchanged (see {@link DelegatingBackend}). */
export class DelegatingHandle implements FileHandle {
  constructor(protected readonly inner: FileHandle) {}

  get path(): string {
    return this.inner.path;
  }

  read(length: number, position: number): Promise<Uint8Array> {
    return this.inner.read(length, position);
  }

  write(data: Uint8Array, position?: number): Promise<number> {
    return position === undefined ? this.inner.write(data) : this.inner.write(data, position);
  }

  sync(): Promise<void> {
    return this.inner.sync();
  }

  datasync(): Promise<void> {
    return this.inner.datasync();
  }

  truncate(length: number): Promise<void> {
    return this.inner.truncate(length);
  }

  stat(): Promise<FileStat> {
    return this.inner.stat();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
