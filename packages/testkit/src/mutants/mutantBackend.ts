import type {
  BackendCapabilities,
  FileHandle,
  FileStat,
  LockManager,
  OpenMode,
  StorageBackend,
} from "@living-reports/core";

/** Which durability calls a {@link MutantBackend} turns into no-ops (they still resolve). */
export interface MutantRules {
  /** `sync()` of a handle whose path this accepts does nothing. */
  readonly skipSync?: (path: string) => boolean;
  /** `datasync()` of a handle whose path this accepts does nothing. */
  readonly skipDatasync?: (path: string) => boolean;
  /** `syncDir(path)` for a directory this accepts does nothing. */
  readonly skipSyncDir?: (path: string) => boolean;
}

/**
 * A deliberately broken backend: it forwards everything to `inner` except the durability calls
 * its rules skip, which resolve at once as if they had worked. That is the bug of an
 * implementation that forgets the call, so the crash explorer must catch every such mutant.
 */
export class MutantBackend implements StorageBackend {
  constructor(
    private readonly inner: StorageBackend,
    private readonly rules: MutantRules,
  ) {}

  get capabilities(): BackendCapabilities {
    return this.inner.capabilities;
  }

  get storageId(): string {
    return this.inner.storageId;
  }

  async open(path: string, mode: OpenMode): Promise<FileHandle> {
    return new MutantHandle(await this.inner.open(path, mode), this.rules);
  }

  readFile(path: string): Promise<Uint8Array> {
    return this.inner.readFile(path);
  }

  syncDir(path: string): Promise<void> {
    return this.rules.skipSyncDir?.(path) === true ? Promise.resolve() : this.inner.syncDir(path);
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

  createLockManager(on: StorageBackend): LockManager {
    return this.inner.createLockManager(on);
  }
}

class MutantHandle implements FileHandle {
  constructor(
    private readonly inner: FileHandle,
    private readonly rules: MutantRules,
  ) {}

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
    return this.rules.skipSync?.(this.inner.path) === true ? Promise.resolve() : this.inner.sync();
  }

  datasync(): Promise<void> {
    return this.rules.skipDatasync?.(this.inner.path) === true ? Promise.resolve() : this.inner.datasync();
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
