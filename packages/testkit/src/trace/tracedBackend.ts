import type { FileHandle, FileStat, OpenMode, StorageBackend } from "@living-reports/core";
import { DelegatingBackend } from "../support/delegatingBackend.js";
import { TracedHandle } from "./tracedHandle.js";
import { bytesRead, type TraceLog } from "./traceLog.js";

/**
 * A {@link StorageBackend} that forwards every call to `inner` and records it in a {@link TraceLog}.
 * Results and errors pass through unchanged; handles come back wrapped so their calls are recorded too.
 * The base forwards the rest untraced: `capabilities`, `storageId`, `clock`, and `lockPrimitive(on)`,
 * which works through `on` (normally this recorder), so lock files are traced.
 */
export class TracedBackend extends DelegatingBackend {
  constructor(
    inner: StorageBackend,
    private readonly log: TraceLog,
  ) {
    super(inner);
  }

  override async open(path: string, mode: OpenMode): Promise<FileHandle> {
    // Ids go to opens that succeeded only, so a trace's handle ids are exactly its open handles.
    let id = 0;
    const handle = await this.log.record(
      { op: "open", path, args: { mode } },
      () => super.open(path, mode),
      () => {
        id = this.log.newHandleId();
        return { handle: id };
      },
    );
    return new TracedHandle(handle, this.log, id);
  }

  override readFile(path: string): Promise<Uint8Array> {
    return this.log.record({ op: "readFile", path, args: {} }, () => super.readFile(path), bytesRead);
  }

  override syncDir(path: string): Promise<void> {
    return this.log.record({ op: "syncDir", path, args: {} }, () => super.syncDir(path));
  }

  override rename(from: string, to: string): Promise<void> {
    return this.log.record({ op: "rename", path: from, args: { to } }, () => super.rename(from, to));
  }

  override link(existing: string, to: string): Promise<void> {
    return this.log.record({ op: "link", path: existing, args: { to } }, () => super.link(existing, to));
  }

  override unlink(path: string): Promise<void> {
    return this.log.record({ op: "unlink", path, args: {} }, () => super.unlink(path));
  }

  override mkdir(path: string): Promise<void> {
    return this.log.record({ op: "mkdir", path, args: {} }, () => super.mkdir(path));
  }

  override rmdir(path: string): Promise<void> {
    return this.log.record({ op: "rmdir", path, args: {} }, () => super.rmdir(path));
  }

  override readdir(path: string): Promise<string[]> {
    return this.log.record({ op: "readdir", path, args: {} }, () => super.readdir(path));
  }

  override stat(path: string): Promise<FileStat> {
    return this.log.record({ op: "stat", path, args: {} }, () => super.stat(path));
  }

  override utimes(path: string, mtimeMs: number): Promise<void> {
    return this.log.record({ op: "utimes", path, args: { mtimeMs } }, () => super.utimes(path, mtimeMs));
  }
}
