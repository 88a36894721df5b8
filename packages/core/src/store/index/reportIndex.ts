import type { StorageBackend } from "../../backend/storageBackend.js";
import { appendLines, withAppendHandle } from "../../durable/appendLines.js";
import { atomicReplace } from "../../durable/index.js";
import { closeQuietly } from "../../durable/writeAll.js";
import { fromSystemError } from "../../errors/fromSystemError.js";
import type { LivingReportsError } from "../../errors/livingReportsError.js";
import type { LockManager, LockOptions } from "../../lock/lockManager.js";
import type { IndexEntry } from "../../schema/index.js";
import type { ReportLeases } from "../locking/reportLeases.js";
import { INDEX_FILE } from "../shared/layout.js";
import { encodeIndexEntry, type IndexLineProblem } from "./indexLines.js";
import { IndexLockTurns } from "./indexLockTurns.js";
import { removeIndexTemps } from "./indexTemps.js";
import { IndexView } from "./indexView.js";
import { appendShared, type KeptAppendHandle, type SharedAppend } from "./sharedAppend.js";

const encoder = new TextEncoder();

/**
 * The store's index, `index.jsonl` (docs/FORMAT.md): what it has read of the file (an
 * {@link IndexView}), the entries of committed operations whose append failed (shown over the
 * file's until a rebuild), and the writes. Appends take no lock ({@link appendShared});
 * compactions and rebuilds hold `index.lock` ({@link IndexLockTurns}), and an append that may have
 * raced one is made again under that lock, so a compaction or rebuild never loses another
 * writer's append (docs/LOCKS.md, "Index appends").
 */
export class ReportIndex {
  private readonly view: IndexView;
  private readonly turns: IndexLockTurns;
  /** Entries of committed operations whose append failed, shown over the file's until a rebuild. */
  private readonly pending = new Map<string, IndexEntry>();
  private staleCause: LivingReportsError | undefined;
  /** Appends made since the last {@link flush}: not yet durable. */
  private unsynced = false;
  /** Whether an unsynced append may have created the file (its directory entry is not durable). */
  private mayHaveCreated = false;
  /** The handle the last append left open on `index.jsonl`, for the next (see appendShared). */
  private kept: KeptAppendHandle | undefined;
  /**
   * Whether the backend has inode numbers (unknown until the first append): without them an
   * appender cannot tell that a compaction replaced the file, so every append takes the lock.
   */
  private inodes: boolean | undefined;

  constructor(
    private readonly backend: StorageBackend,
    locks: LockManager,
    lockOptions: LockOptions,
    /**
     * Where the index lock is kept between uses on a backend without inode numbers, whose appends
     * all take it; elsewhere it is released after each use (a kept lock would send every appender
     * of the store to the lock). Without, it is always released after each use.
     */
    leases?: ReportLeases,
  ) {
    this.view = new IndexView(backend);
    this.turns = new IndexLockTurns(backend, locks, lockOptions, leases);
  }

  /** Lines that failed to parse, as of the last full read and the tails since. */
  get problems(): readonly IndexLineProblem[] {
    return this.view.problems;
  }

  /** Lines that a compaction would drop (superseded or blank), as of the last refresh. */
  get deadLines(): number {
    return this.view.deadLines;
  }

  /** The current entry of every report (tombstones included), as of the last refresh. */
  all(): IndexEntry[] {
    if (this.pending.size === 0) return [...this.view.byId.values()];
    const merged = new Map(this.view.byId);
    for (const id of this.pending.keys()) merged.set(id, this.get(id) as IndexEntry);
    return [...merged.values()];
  }

  /** The current entry of one report, as of the last refresh. */
  get(id: string): IndexEntry | undefined {
    const onFile = this.view.byId.get(id);
    const mine = this.pending.get(id);
    if (mine === undefined) return onFile;
    // A line another writer appended after our failed one is newer: it wins.
    return onFile !== undefined && Date.parse(onFile.updated_at) > Date.parse(mine.updated_at)
      ? onFile
      : mine;
  }

  /** Why the file lags behind committed operations (an append failed), until the next {@link replace}. */
  get stale(): LivingReportsError | undefined {
    return this.staleCause;
  }

  /**
   * Records that appending `entries` of a committed operation failed (the file may even end in a
   * partial line): {@link all} and {@link get} show them over the file until {@link replace}
   * rebuilds it. Never throws.
   */
  markStale(entries: readonly IndexEntry[], cause: LivingReportsError): void {
    this.staleCause ??= cause;
    for (const entry of entries) this.pending.set(entry.report_id, entry);
  }

  /** Reads what was appended since the last read (the whole file if it was replaced). Never writes. */
  async refresh(): Promise<void> {
    await this.view.refresh();
  }

  /**
   * Appends entries (no fsync: recovery rebuilds the index after an unclean shutdown) without the
   * index lock ({@link appendShared}), again under it when a compaction or rebuild may have
   * raced the append (or always, on a backend without inode numbers); then compacts when dead
   * lines exceed 2× the live ones + 100 and nobody holds the index lock. A report's lines must
   * reach the file in commit order: the caller holds what orders its commits (the report's lock)
   * until this resolves.
   *
   * @throws LivingReportsError a storage or lock error (the file may end in a torn line)
   */
  async append(entries: readonly IndexEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const text = entries.map(encodeIndexEntry).join("");
    // Unknown counts as missing: the file may be created by this append.
    const mayCreate = !this.view.knowsFile;
    // Marked before (a failed append leaves bytes too) and again after each write: a rebuild of
    // this store running meanwhile clears the marks once its durable file holds what it read, and
    // a line it may not have read is appended again under the lock, after it, and marked then.
    const mark = () => {
      this.unsynced = true;
      if (mayCreate) this.mayHaveCreated = true;
    };
    mark();
    const data = encoder.encode(text);
    const before = this.view.mark();
    // Taken, not shared: concurrent appends of this store each write through their own handle.
    const kept = this.kept;
    this.kept = undefined;
    const shared: SharedAppend =
      this.inodes === false ? { outcome: "no-inodes" } : await appendShared(this.backend, data, kept);
    mark();
    if (shared.kept !== undefined) {
      if (this.kept === undefined) this.kept = shared.kept;
      else await closeQuietly(shared.kept.handle);
    }
    if (shared.outcome === "no-inodes") this.inodes = false;
    else this.inodes ??= true;
    if (shared.outcome !== "appended") {
      await this.turns.run(
        async (held) => {
          await appendLines(held, INDEX_FILE, text, { sync: false });
          mark();
        },
        { wait: true, keep: this.inodes === false },
      );
      await this.view.refresh();
    } else {
      await this.view.afterAppend(before, shared, entries, data);
    }
    if (this.view.compactionDue()) await this.compactUnlessBusy();
  }

  /**
   * Compacts `index.jsonl`, unless the index lock is busy: whoever holds it (another writer's
   * compaction, which found the same dead lines, or a rebuild) leaves the file compact, and
   * waiting for it would hold this commit up, and with it every appender that finds the lock held
   * (they wait for it): all the store's writers queued behind one compaction. On a backend without
   * inode numbers, whose appends take the lock anyway, it waits its turn.
   * Not synced, like the appends it replaces: the clean close makes it durable ({@link flush})
   * and recovery rebuilds the index after a crash.
   */
  private async compactUnlessBusy(): Promise<void> {
    const compact = async (held: StorageBackend) => {
      // Everything appended until the lock was taken is read now; what is appended later is
      // appended again under the lock, after this compaction (see appendShared).
      await this.view.refresh();
      if (this.view.compactionDue()) await this.writeWhole(held, this.all(), { durable: false });
    };
    const noInodes = this.inodes === false;
    await this.turns.run(compact, { wait: noInodes, keep: noInodes });
  }

  /**
   * Replaces the index with exactly `scan()`'s entries (atomic replace, under the index lock, so an
   * append made after the scan is kept and one made before it is in the scan). Temp files of the
   * index left in the root by an interrupted rewrite are removed first: under the index lock no
   * rewrite is in flight, so every one of them is a leftover (the replace's directory sync makes
   * their removal durable).
   *
   * @returns the root-relative paths of the leftover temp files removed
   */
  async replace(scan: () => Promise<IndexEntry[]>): Promise<string[]> {
    const before = new Map(this.pending);
    const removed = await this.turns.run(
      async (held) => {
        const temps = await removeIndexTemps(held);
        const entries = await scan();
        await this.writeWhole(held, entries);
        return temps;
      },
      { wait: true, keep: this.inodes === false },
    );
    // The scan read every outline, so what the failed appends before it held is in the file now;
    // an append that failed during the scan may not be.
    for (const [id, entry] of before) if (this.pending.get(id) === entry) this.pending.delete(id);
    if (this.pending.size === 0) this.staleCause = undefined;
    return removed;
  }

  /** Closes the handle kept open for appends (at the store's close). Never throws. */
  async closeAppendHandle(): Promise<void> {
    const kept = this.kept;
    this.kept = undefined;
    if (kept !== undefined) await closeQuietly(kept.handle);
  }

  /**
   * Makes this store's appends durable: fdatasyncs `index.jsonl`, and syncs the root when an
   * append may have created it. Called before a clean close releases the session lock: a clean
   * session promises the next opener an index it need not rebuild.
   *
   * @throws LivingReportsError FSYNC_FAILED or another mapped I/O error (the appends stay unsynced)
   */
  async flush(): Promise<void> {
    if (!this.unsynced) return;
    await withAppendHandle(this.backend, INDEX_FILE, async (handle) => {
      try {
        await handle.datasync();
      } catch (err) {
        throw fromSystemError(err, INDEX_FILE, "fdatasync");
      }
    });
    if (this.mayHaveCreated) await this.backend.syncDir("");
    this.unsynced = false;
    this.mayHaveCreated = false;
  }

  /**
   * Replaces `index.jsonl` with `entries`: durably (a rebuild, which recovery and repair rely on),
   * or not (a compaction: the file and its name are then left for {@link flush}, as appends are).
   */
  private async writeWhole(
    held: StorageBackend,
    entries: readonly IndexEntry[],
    options: { durable: boolean } = { durable: true },
  ): Promise<void> {
    // The kept handle appends to the file this replaces: the next append opens the new one.
    await this.closeAppendHandle();
    const sorted = [...entries].sort((a, b) => (a.report_id < b.report_id ? -1 : 1));
    const bytes = encoder.encode(sorted.map(encodeIndexEntry).join(""));
    if (options.durable) {
      await atomicReplace(held, INDEX_FILE, bytes);
      // The replacement is durable (file and entry): nothing appended before it needs a sync.
      this.unsynced = false;
      this.mayHaveCreated = false;
    } else {
      await atomicReplace(held, INDEX_FILE, bytes, {
        syncData: false,
        syncDirectory: false,
        cleanup: this.backend,
      });
      this.unsynced = true;
      this.mayHaveCreated = true;
    }
    await this.view.readAgain();
  }
}
