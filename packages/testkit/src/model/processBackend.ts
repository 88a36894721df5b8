import type { FileHandle, OpenMode, StorageBackend } from "@living-reports/core";
import type { FaultPlan } from "../faults/faultRule.js";
import { FaultyBackend } from "../faults/faultyBackend.js";
import { DelegatingHandle } from "../support/delegatingBackend.js";

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
class TrackedHandle extends DelegatingHandle {
  constructor(
    inner: FileHandle,
    private readonly table: Set<FileHandle>,
  ) {
    super(inner);
    table.add(this);
  }

  override async close(): Promise<void> {
    this.table.delete(this);
    await super.close();
  }
}
