import type {
  BackendCapabilities,
  Clock,
  FileHandle,
  FileStat,
  LockPrimitive,
  OpenMode,
  StorageBackend,
} from "@living-reports/core";
import { TracedHandle } from "./tracedHandle.js";
import type { TraceLog } from "./traceLog.js";

/**
 * A {@link StorageBackend} that forwards every call to `inner` and records it in a {@link TraceLog}.
 * Results and errors pass through unchanged; handles come back wrapped so their calls are recorded too.
 */
export class TracedBackend implements StorageBackend {
  constructor(
    private readonly inner: StorageBackend,
    private readonly log: TraceLog,
  ) {}

  get capabilities(): BackendCapabilities {
    return this.inner.capabilities;
  }

  get storageId(): string {
    return this.inner.storageId;
  }

  async open(path: string, mode: OpenMode): Promise<FileHandle> {
    // Ids go to opens that succeeded only, so a trace's handle ids are exactly its open handles.
    let id = 0;
    const handle = await this.log.record(
      { op: "open", path, args: { mode } },
      () => this.inner.open(path, mode),
      () => {
        id = this.log.newHandleId();
        return { handle: id };
      },
    );
    return new TracedHandle(handle, this.log, id);
  }

  readFile(path: string): Promise<Uint8Array> {
    return this.log.record(
      { op: "readFile", path, args: {} },
      () => this.inner.readFile(path),
      (bytes) => ({ bytes: bytes.length }),
    );
  }

  syncDir(path: string): Promise<void> {
    return this.log.record({ op: "syncDir", path, args: {} }, () => this.inner.syncDir(path));
  }

  rename(from: string, to: string): Promise<void> {
    return this.log.record({ op: "rename", path: from, args: { to } }, () => this.inner.rename(from, to));
  }

  link(existing: string, to: string): Promise<void> {
    return this.log.record({ op: "link", path: existing, args: { to } }, () => this.inner.link(existing, to));
  }

  unlink(path: string): Promise<void> {
    return this.log.record({ op: "unlink", path, args: {} }, () => this.inner.unlink(path));
  }

  mkdir(path: string): Promise<void> {
    return this.log.record({ op: "mkdir", path, args: {} }, () => this.inner.mkdir(path));
  }

  rmdir(path: string): Promise<void> {
    return this.log.record({ op: "rmdir", path, args: {} }, () => this.inner.rmdir(path));
  }

  readdir(path: string): Promise<string[]> {
    return this.log.record({ op: "readdir", path, args: {} }, () => this.inner.readdir(path));
  }

  stat(path: string): Promise<FileStat> {
    return this.log.record({ op: "stat", path, args: {} }, () => this.inner.stat(path));
  }

  utimes(path: string, mtimeMs: number): Promise<void> {
    return this.log.record({ op: "utimes", path, args: { mtimeMs } }, () => this.inner.utimes(path, mtimeMs));
  }

  /** The inner backend's lock clock. */
  get clock(): Clock {
    return this.inner.clock;
  }

  /** The inner backend's lock primitive, working through `on` (normally this recorder) so lock files are traced. */
  lockPrimitive(on: StorageBackend): LockPrimitive {
    return this.inner.lockPrimitive(on);
  }
}
