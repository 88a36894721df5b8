import type {
  BackendCapabilities,
  FileHandle,
  FileStat,
  LockManager,
  OpenMode,
  StorageBackend,
} from "@living-reports/core";

/**
 * Called around every call that may change the disk: `before` runs synchronously before the
 * call is issued (so the state it sees is exact, even with concurrent callers), `after` once it
 * settled.
 */
export interface ChangeWatcher {
  before(): void;
  after(): void;
}

/**
 * A backend that tells a {@link ChangeWatcher} about every state-changing call (writes, syncs,
 * entry changes, opens that create or truncate), so the explorer can snapshot the disk between
 * them. Reads pass straight through. Results and errors are unchanged.
 */
export class PointBackend implements StorageBackend {
  constructor(
    private readonly inner: StorageBackend,
    private readonly watcher: ChangeWatcher,
  ) {}

  get capabilities(): BackendCapabilities {
    return this.inner.capabilities;
  }

  get storageId(): string {
    return this.inner.storageId;
  }

  async open(path: string, mode: OpenMode): Promise<FileHandle> {
    const handle = await (mode === "r" || mode === "r+"
      ? this.inner.open(path, mode)
      : this.changing(() => this.inner.open(path, mode)));
    return new PointHandle(handle, this);
  }

  readFile(path: string): Promise<Uint8Array> {
    return this.inner.readFile(path);
  }

  syncDir(path: string): Promise<void> {
    return this.changing(() => this.inner.syncDir(path));
  }

  rename(from: string, to: string): Promise<void> {
    return this.changing(() => this.inner.rename(from, to));
  }

  link(existing: string, to: string): Promise<void> {
    return this.changing(() => this.inner.link(existing, to));
  }

  unlink(path: string): Promise<void> {
    return this.changing(() => this.inner.unlink(path));
  }

  mkdir(path: string): Promise<void> {
    return this.changing(() => this.inner.mkdir(path));
  }

  rmdir(path: string): Promise<void> {
    return this.changing(() => this.inner.rmdir(path));
  }

  readdir(path: string): Promise<string[]> {
    return this.inner.readdir(path);
  }

  stat(path: string): Promise<FileStat> {
    return this.inner.stat(path);
  }

  utimes(path: string, mtimeMs: number): Promise<void> {
    // mtimes are outside the crash model: no crash state differs by them.
    return this.inner.utimes(path, mtimeMs);
  }

  createLockManager(on: StorageBackend): LockManager {
    return this.inner.createLockManager(on);
  }

  /** Runs a state-changing call between the watcher's hooks. */
  async changing<T>(call: () => Promise<T>): Promise<T> {
    this.watcher.before();
    try {
      return await call();
    } finally {
      this.watcher.after();
    }
  }
}

class PointHandle implements FileHandle {
  constructor(
    private readonly inner: FileHandle,
    private readonly owner: PointBackend,
  ) {}

  get path(): string {
    return this.inner.path;
  }

  read(length: number, position: number): Promise<Uint8Array> {
    return this.inner.read(length, position);
  }

  write(data: Uint8Array, position?: number): Promise<number> {
    return this.owner.changing(() =>
      position === undefined ? this.inner.write(data) : this.inner.write(data, position),
    );
  }

  sync(): Promise<void> {
    return this.owner.changing(() => this.inner.sync());
  }

  datasync(): Promise<void> {
    return this.owner.changing(() => this.inner.datasync());
  }

  truncate(length: number): Promise<void> {
    return this.owner.changing(() => this.inner.truncate(length));
  }

  stat(): Promise<FileStat> {
    return this.inner.stat();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
