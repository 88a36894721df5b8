import { statIfExists } from "../../backend/statIfExists.js";
import type { FileHandle, StorageBackend } from "../../backend/storageBackend.js";
import { appendLines, atomicReplace } from "../../durable/index.js";
import { closeQuietly } from "../../durable/writeAll.js";
import { ErrorCode } from "../../errors/errorCodes.js";
import { fromSystemError } from "../../errors/fromSystemError.js";
import { isLivingReportsError, type LivingReportsError } from "../../errors/livingReportsError.js";
import type { LockManager, LockOptions } from "../../lock/lockManager.js";
import type { IndexEntry } from "../../schema/index.js";
import { LockBoundBackend } from "../locking/lockBoundBackend.js";
import type { ReportLeases } from "../locking/reportLeases.js";
import { INDEX_FILE, INDEX_LOCK } from "../shared/layout.js";
import { encodeIndexEntry, type IndexLineProblem, parseIndexChunk } from "./indexLines.js";
import { removeIndexTemps } from "./indexTemps.js";
import { appendShared, type KeptAppendHandle, type SharedAppend } from "./sharedAppend.js";

const encoder = new TextEncoder();

/**
 * How far (bytes of `index.jsonl`) the view may lag behind the file after an append raced by
 * other appenders before the appender reads up: about 200 lines, one read per ~200 commits of
 * the store's other writers instead of one per commit (it reads up sooner when the unread lines
 * could make a compaction due).
 */
const MAX_LAG_BYTES = 64 * 1024;

/** The key of the index lock among the store's leases (never a report id: those are UUIDs). */
const INDEX_LEASE = "\0index";

/**
 * The in-memory view of `index.jsonl` (docs/FORMAT.md): the last line per report wins, `deleted` is a
 * tombstone. {@link refresh} reads only the bytes appended since the last read, so listing is
 * O(new lines); it re-reads the whole file when it shrank or was replaced (compaction, rebuild,
 * another process), detected by the inode and by the last line read no longer being where it was.
 * Appends take no lock ({@link appendShared}); compactions and rebuilds hold `index.lock`, and an
 * append that may have raced one is made again under that lock, so a compaction or rebuild
 * never loses another writer's append (docs/LOCKS.md, "Index appends").
 */
export class ReportIndex {
  private readonly entries = new Map<string, IndexEntry>();
  private offset = 0;
  /** Bumped whenever {@link offset} or {@link ino} changes: tells an appender whether anyone read meanwhile. */
  private generation = 0;
  private lines = 0;
  private ino = -1;
  /** The last complete line consumed (with its `\n`): must still end the consumed prefix. */
  private seam: Uint8Array = new Uint8Array(0);
  private badLines: IndexLineProblem[] = [];
  /** Entries of committed operations whose append failed, shown over the file's until a rebuild. */
  private readonly pending = new Map<string, IndexEntry>();
  private staleCause: LivingReportsError | undefined;
  /** Appends made since the last {@link flush}: not yet durable. */
  private unsynced = false;
  /** Whether an unsynced append may have created the file (its directory entry is not durable). */
  private mayHaveCreated = false;
  /** Settles when the use of the index lock before the latest one is over (see withLock). */
  private turn: Promise<void> = Promise.resolve();
  /** Uses of the index lock by this store under way: holding it, or waiting their turn. */
  private lockUsers = 0;
  /** Settles when the read of the file before the latest one is over (reads update the view). */
  private reading: Promise<void> = Promise.resolve();
  /** The handle the last append left open on `index.jsonl`, for the next (see appendShared). */
  private kept: KeptAppendHandle | undefined;
  /**
   * Whether the backend has inode numbers (unknown until the first append): without them an
   * appender cannot tell that a compaction replaced the file, so every append takes the lock.
   */
  private inodes: boolean | undefined;

  constructor(
    private readonly backend: StorageBackend,
    private readonly locks: LockManager,
    private readonly lockOptions: LockOptions,
    /**
     * Where the index lock is kept between uses on a backend without inode numbers, whose appends
     * all take it; elsewhere it is released after each use (appenders that find it held append
     * again under it). Without, it is always released after each use.
     */
    private readonly leases?: ReportLeases,
  ) {}

  /** Lines that failed to parse, as of the last full read and the tails since. */
  get problems(): readonly IndexLineProblem[] {
    return this.badLines;
  }

  /** Lines that a compaction would drop (superseded or blank), as of the last refresh. */
  get deadLines(): number {
    return this.lines - this.entries.size;
  }

  /** The current entry of every report (tombstones included), as of the last refresh. */
  all(): IndexEntry[] {
    if (this.pending.size === 0) return [...this.entries.values()];
    const merged = new Map(this.entries);
    for (const id of this.pending.keys()) merged.set(id, this.get(id) as IndexEntry);
    return [...merged.values()];
  }

  /** The current entry of one report, as of the last refresh. */
  get(id: string): IndexEntry | undefined {
    const onFile = this.entries.get(id);
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
    await this.serially(() => this.readNew());
  }

  /**
   * Runs `read` after the reads of the file already under way: each consumes from the offset the
   * one before it left, so two at once would consume the same bytes twice.
   */
  private async serially(read: () => Promise<void>): Promise<void> {
    const run = this.reading.then(read);
    this.reading = run.catch(() => undefined);
    await run;
  }

  private async readNew(): Promise<void> {
    const st = await statIfExists(this.backend, INDEX_FILE);
    if (st === undefined) {
      this.reset();
      this.ino = -1;
      return;
    }
    const { size, ino } = st;
    if (ino !== this.ino || size < this.offset) {
      await this.readAll();
      return;
    }
    if (size === this.offset) return;
    const from = this.offset - this.seam.length;
    const bytes = await this.readRange(from, size - from);
    if (!startsWith(bytes, this.seam)) {
      await this.readAll();
      return;
    }
    this.consume(bytes.subarray(this.seam.length));
  }

  /**
   * Appends entries (no fsync: recovery rebuilds the index after an unclean shutdown) without the
   * index lock ({@link appendShared}), again under it when a compaction or rebuild may have
   * raced the append (or always, on a backend without inode numbers); then compacts when dead
   * lines exceed 2× the live ones + 100 and nobody holds the index lock. A report's lines must reach the file in commit order: the
   * caller holds what orders its commits (the report's lock) until this resolves.
   *
   * @throws LivingReportsError a storage or lock error (the file may end in a torn line)
   */
  async append(entries: readonly IndexEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const text = entries.map(encodeIndexEntry).join("");
    // Unknown (-1) counts as missing: the file may be created by this append.
    const mayCreate = this.ino === -1;
    // Marked before (a failed append leaves bytes too) and again after each write: a rebuild of
    // this store running meanwhile clears the marks once its durable file holds what it read, and
    // a line it may not have read is appended again under the lock, after it, and marked then.
    const mark = () => {
      this.unsynced = true;
      if (mayCreate) this.mayHaveCreated = true;
    };
    mark();
    const data = encoder.encode(text);
    const before = { offset: this.offset, ino: this.ino, generation: this.generation };
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
      await this.withLock(async (held) => {
        await appendLines(held, INDEX_FILE, text, { sync: false });
        mark();
      });
      await this.refresh();
    } else {
      await this.serially(async () => {
        // The view has not moved since before the write, and the file (the same one it read up to
        // `offset`) ended after the write exactly `data` later: those bytes are these lines, since
        // an append lands at or past `offset`. Take them as written instead of reading them back.
        const unmoved = this.generation === before.generation && before.ino !== -1;
        if (unmoved && shared.ino === before.ino && shared.size === before.offset + data.length) {
          this.advance(entries, entries.length, data);
        } else if (this.lagsTooFar(shared)) {
          await this.readNew();
        }
        // Else other appenders raced this one: their lines and ours are left in the file for the
        // next refresh (every read refreshes first), so that concurrent writers do not each read
        // back every other's lines on every commit.
      });
    }
    if (this.compactionDue()) await this.compactUnlessBusy();
  }

  /**
   * Compacts `index.jsonl`, unless the index lock is busy: whoever holds it (another writer's
   * compaction, which found the same dead lines, or a rebuild) leaves the file compact, and
   * waiting for it would hold this commit up, and with it every appender that finds the lock held
   * (they append again under it): all the store's writers queued behind one compaction. On a
   * backend without inode numbers, whose appends take the lock anyway, it waits its turn.
   * Not synced, like the appends it replaces: the clean close makes it durable ({@link flush})
   * and recovery rebuilds the index after a crash.
   */
  private async compactUnlessBusy(): Promise<void> {
    const compact = async (held: StorageBackend) => {
      // Everything appended until the lock was taken is read now; what is appended later is
      // appended again under the lock, after this compaction (see appendShared).
      await this.refresh();
      if (this.compactionDue()) await this.writeWhole(held, this.all(), { durable: false });
    };
    if (this.inodes === false) await this.withLock(compact);
    else await this.withLock(compact, { wait: false });
  }

  /**
   * Whether the view must read up after an append that `shared` describes: the file is not the
   * one it read (or shrank), more than {@link MAX_LAG_BYTES} of it are unread, or the unread
   * lines, at the average length of those read, could make a compaction due (so that lagging
   * never puts one off).
   */
  private lagsTooFar(shared: SharedAppend): boolean {
    if (shared.ino !== this.ino || shared.size === undefined || shared.size < this.offset) return true;
    const lag = shared.size - this.offset;
    if (lag > MAX_LAG_BYTES || this.lines === 0) return true;
    return this.compactionDue(Math.ceil(lag / (this.offset / this.lines)));
  }

  /** Whether dead lines dominate (more than 2× the live ones + 100), with `unread` more lines taken for dead. */
  private compactionDue(unread = 0): boolean {
    return this.deadLines + unread > 2 * this.entries.size + 100;
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
    const removed = await this.withLock(async (held) => {
      const temps = await removeIndexTemps(held);
      const entries = await scan();
      await this.writeWhole(held, entries);
      return temps;
    });
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
    let handle: FileHandle;
    try {
      handle = await this.backend.open(INDEX_FILE, "a");
    } catch (err) {
      throw fromSystemError(err, INDEX_FILE, "open");
    }
    try {
      await handle.datasync();
    } catch (err) {
      await handle.close().catch(() => undefined);
      throw fromSystemError(err, INDEX_FILE, "fdatasync");
    }
    try {
      await handle.close();
    } catch (err) {
      throw fromSystemError(err, INDEX_FILE, "close");
    }
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
    await this.serially(() => this.readAll());
  }

  /**
   * Runs `fn` under the index lock, writing through the view that checks it. The store's uses of
   * the index lock take turns here. On a backend without inode numbers, where every append takes
   * the lock, it is kept between uses while nobody else waits (see ReportLeases), so a writer's
   * commits do not take and remove it each; elsewhere a kept lock would send every appender of
   * the store to the lock, so it is released at once.
   */
  private async withLock<T>(fn: (held: StorageBackend) => Promise<T>): Promise<T>;
  /** With `wait: false`: runs `fn` only if the lock is free, here and elsewhere, right now. */
  private async withLock<T>(
    fn: (held: StorageBackend) => Promise<T>,
    options: { wait: false },
  ): Promise<T | undefined>;
  private async withLock<T>(
    fn: (held: StorageBackend) => Promise<T>,
    options: { wait: boolean } = { wait: true },
  ): Promise<T | undefined> {
    if (!options.wait && this.lockUsers > 0) return undefined;
    this.lockUsers++;
    const previous = this.turn;
    let done = () => {};
    this.turn = new Promise<void>((resolve) => {
      done = resolve;
    });
    await previous;
    try {
      let held = this.leases?.take(INDEX_LEASE);
      if (held === undefined) {
        const lockOptions = options.wait ? this.lockOptions : { ...this.lockOptions, timeoutMs: 0 };
        try {
          held = new LockBoundBackend(this.backend, await this.locks.acquire(INDEX_LOCK, lockOptions));
        } catch (err) {
          if (!options.wait && isLivingReportsError(err, ErrorCode.LOCK_TIMEOUT)) return undefined;
          throw err;
        }
      }
      let result: T;
      try {
        result = await fn(held);
      } catch (err) {
        await held.lock.release();
        throw err;
      }
      if (this.leases === undefined || this.inodes !== false) await held.lock.release();
      else await this.leases.keep(INDEX_LEASE, held, (onWaiter) => held.lock.onWaiter(onWaiter));
      return result;
    } finally {
      this.lockUsers--;
      done();
    }
  }

  private reset(): void {
    this.generation++;
    this.entries.clear();
    this.offset = 0;
    this.lines = 0;
    this.seam = new Uint8Array(0);
    this.badLines = [];
  }

  private async readAll(): Promise<void> {
    this.reset();
    let bytes: Uint8Array;
    try {
      const stat = await this.backend.stat(INDEX_FILE);
      bytes = await this.backend.readFile(INDEX_FILE);
      this.ino = stat.ino;
    } catch (err) {
      if (
        isLivingReportsError(err, ErrorCode.INVALID_PATH) ||
        isLivingReportsError(err, ErrorCode.WRONG_KIND)
      ) {
        // A symlink or a FIFO where the index belongs is never followed: the index lists nothing,
        // and its one problem makes the next writing open (or repair) rebuild it, replacing the
        // entry itself (the index is derived; what the link points to is left alone).
        this.ino = -1;
        this.badLines = [{ line: 1, message: `${INDEX_FILE} cannot be read: ${err.message}` }];
        return;
      }
      if (!isLivingReportsError(err, ErrorCode.NOT_FOUND)) throw err;
      this.ino = -1;
      return;
    }
    this.consume(bytes);
  }

  private consume(bytes: Uint8Array): void {
    const chunk = parseIndexChunk(bytes, this.lines + 1);
    if (chunk.consumed === 0) return;
    this.badLines.push(...chunk.problems);
    this.advance(chunk.entries, chunk.lines, bytes.subarray(0, chunk.consumed));
  }

  /**
   * Moves the view past `body` (`lines` complete lines, holding `entries`: parsed by
   * {@link consume}, or the lines an append of this view just wrote), which ends its seam.
   */
  private advance(entries: readonly IndexEntry[], lines: number, body: Uint8Array): void {
    this.generation++;
    for (const entry of entries) this.entries.set(entry.report_id, entry);
    this.lines += lines;
    this.offset += body.length;
    const lastStart = body.subarray(0, body.length - 1).lastIndexOf(0x0a) + 1;
    this.seam = body.slice(lastStart);
  }

  private async readRange(position: number, length: number): Promise<Uint8Array> {
    const handle = await this.backend.open(INDEX_FILE, "r");
    try {
      return await handle.read(length, position);
    } finally {
      await handle.close();
    }
  }
}

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}
