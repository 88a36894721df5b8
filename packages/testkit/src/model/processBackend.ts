import type { FileHandle, FileStat, OpenMode, StorageBackend } from "@living-reports/core";
import type { FaultPlan } from "../faults/faultRule.js";
import { FaultyBackend } from "../faults/faultyBackend.js";

/** What a dead process does to the disk: nothing, ever again (every call fails). */
const DEATH: FaultPlan = [{ op: "*", error: "EIO", times: "always" }];

/**
 * One simulated process over a backend: a {@link FaultyBackend} (so a test can fail its calls)
 * with a `storageId` of its own, so that what a process keeps in memory (in-process lock queues,
 * the set of live writer sessions) is not shared with the next incarnation, exactly as with two
 * real processes; and a {@link kill} that stops it the way a process death does.
 */
export class ProcessBackend extends FaultyBackend {
  readonly #storageId: string;
  readonly #handles = new Set<FileHandle>();

  /** @param incarnation - tells this process from the others over the same storage */
  constructor(inner: StorageBackend, incarnation: number) {
    super(inner);
    this.#storageId = `${inner.storageId}#process-${incarnation}`;
  }

  override get storageId(): string {
    return this.#storageId;
  }

  override async open(path: string, mode: OpenMode): Promise<FileHandle> {
    const handle = await super.open(path, mode);
    return new TrackedHandle(handle, this.#handles);
  }

  /**
   * Dies: from now on every call fails (lock refresh timers included, so its locks turn stale
   * on disk and nothing of it writes again), and its open files are closed as the kernel closes
   * a dead process's descriptors. Nothing is released or flushed: what it left stays.
   */
  async kill(): Promise<void> {
    this.setPlan(DEATH);
    const open = [...this.#handles];
    this.#handles.clear();
    // The inner descriptor is released even when the (faulted) close reports an error.
    await Promise.allSettled(open.map((h) => h.close()));
  }
}

/** A handle that leaves its process's table of open files when closed. */
class TrackedHandle implements FileHandle {
  constructor(
    private readonly inner: FileHandle,
    private readonly table: Set<FileHandle>,
  ) {
    table.add(this);
  }

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

  async close(): Promise<void> {
    this.table.delete(this);
    await this.inner.close();
  }
}
