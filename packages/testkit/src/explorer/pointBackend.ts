import type { FileHandle, OpenMode, StorageBackend } from "@living-reports/core";
import { DelegatingBackend, DelegatingHandle } from "../support/delegatingBackend.js";

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
export class PointBackend extends DelegatingBackend {
  constructor(
    inner: StorageBackend,
    private readonly watcher: ChangeWatcher,
  ) {
    super(inner);
  }

  override async open(path: string, mode: OpenMode): Promise<FileHandle> {
    const handle = await (mode === "r" || mode === "r+"
      ? this.inner.open(path, mode)
      : this.changing(() => this.inner.open(path, mode)));
    return new PointHandle(handle, this);
  }

  override syncDir(path: string): Promise<void> {
    return this.changing(() => this.inner.syncDir(path));
  }

  override rename(from: string, to: string): Promise<void> {
    return this.changing(() => this.inner.rename(from, to));
  }

  override link(existing: string, to: string): Promise<void> {
    return this.changing(() => this.inner.link(existing, to));
  }

  override unlink(path: string): Promise<void> {
    return this.changing(() => this.inner.unlink(path));
  }

  override mkdir(path: string): Promise<void> {
    return this.changing(() => this.inner.mkdir(path));
  }

  override rmdir(path: string): Promise<void> {
    return this.changing(() => this.inner.rmdir(path));
  }

  // readFile, readdir, stat and utimes pass straight through: mtimes are outside the crash
  // model, so no crash state differs by them.

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

class PointHandle extends DelegatingHandle {
  constructor(
    inner: FileHandle,
    private readonly owner: PointBackend,
  ) {
    super(inner);
  }

  override write(data: Uint8Array, position?: number): Promise<number> {
    return this.owner.changing(() => super.write(data, position));
  }

  override sync(): Promise<void> {
    return this.owner.changing(() => this.inner.sync());
  }

  override datasync(): Promise<void> {
    return this.owner.changing(() => this.inner.datasync());
  }

  override truncate(length: number): Promise<void> {
    return this.owner.changing(() => this.inner.truncate(length));
  }
}
