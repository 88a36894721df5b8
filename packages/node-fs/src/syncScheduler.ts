import * as fs from "node:fs";

/**
 * How fsync, fdatasync and directory syncs are issued (docs/measurements/syncVsPromise.md):
 * - `sync`: `fs.fsyncSync` on the calling thread: lowest latency for one caller, blocks the event loop
 * - `promise`: the libuv thread pool: overlaps the syncs of concurrent callers, never blocks
 * - `adaptive` (default): `sync` while this process has one writer, `promise` as soon as another
 *   handle has unsynced writes or another sync is already in the thread pool
 */
export type FsyncApi = "adaptive" | "sync" | "promise";

/**
 * Decides per call whether a sync runs inline or in the thread pool. One instance is shared by
 * every backend of the process, because they share its one JavaScript thread and its disks.
 */
export class SyncScheduler {
  private dirty = 0;
  private inPool = 0;

  /** A handle got its first unsynced write. */
  markDirty(): void {
    this.dirty++;
  }

  /** A dirty handle was synced or closed. */
  markClean(): void {
    this.dirty--;
  }

  /**
   * Runs fsync (`data: false`) or fdatasync (`data: true`) of `fd` the way `api` says.
   * `ownDirty` is whether the handle being synced counts among the dirty ones.
   * Resolves to where it ran; rejects with the raw system error, for the caller to map (to
   * FSYNC_FAILED).
   *
   * A handle left dirty on purpose (written, never synced, kept open) makes every other sync go
   * to the pool: correct, only slower, so writers should close or sync what they write.
   */
  async sync(fd: number, dataOnly: boolean, api: FsyncApi, ownDirty: boolean): Promise<"inline" | "pool"> {
    const others = this.dirty - (ownDirty ? 1 : 0);
    if (api === "sync" || (api === "adaptive" && others === 0 && this.inPool === 0)) {
      if (dataOnly) fs.fdatasyncSync(fd);
      else fs.fsyncSync(fd);
      return "inline";
    }
    this.inPool++;
    try {
      await new Promise<void>((resolve, reject) => {
        const done = (err: NodeJS.ErrnoException | null): void => (err ? reject(err) : resolve());
        if (dataOnly) fs.fdatasync(fd, done);
        else fs.fsync(fd, done);
      });
    } finally {
      this.inPool--;
    }
    return "pool";
  }
}

/** The process-wide scheduler. */
export const processSyncScheduler = new SyncScheduler();
