import { statIfExists } from "../../backend/statIfExists.js";
import type { StorageBackend } from "../../backend/storageBackend.js";
import { ErrorCode } from "../../errors/errorCodes.js";
import { isLivingReportsError } from "../../errors/livingReportsError.js";
import type { IndexEntry } from "../../schema/index.js";
import { INDEX_FILE } from "../shared/layout.js";
import { type IndexLineProblem, parseIndexChunk } from "./indexLines.js";

/**
 * How far (bytes of `index.jsonl`) the view may lag behind the file after an append raced by
 * other appenders before the appender reads up: about 200 lines, one read per ~200 commits of
 * the store's other writers instead of one per commit (it reads up sooner when the unread lines
 * could make a compaction due).
 */
const MAX_LAG_BYTES = 64 * 1024;

/** Where a view stood when an append began (see {@link IndexView.afterAppend}). */
export interface ViewMark {
  readonly offset: number;
  readonly ino: number;
  readonly generation: number;
}

/** What an append found after its write: the file's inode and size (absent when it did not check). */
export interface AppendedAt {
  readonly ino?: number;
  readonly size?: number;
}

/**
 * What this store has read of `index.jsonl` (docs/FORMAT.md): the last line per report wins,
 * `deleted` is a tombstone. {@link refresh} reads only the bytes appended since the last read, so
 * listing is O(new lines); it re-reads the whole file when it shrank or was replaced (compaction,
 * rebuild, another process), detected by the inode and by the last line read no longer being
 * where it was. Reads take turns (each consumes from where the one before it stopped). Never
 * writes.
 */
export class IndexView {
  private readonly entries = new Map<string, IndexEntry>();
  private offset = 0;
  /** Bumped whenever {@link offset} or {@link ino} changes: tells an appender whether anyone read meanwhile. */
  private generation = 0;
  private lines = 0;
  private ino = -1;
  /** The last complete line consumed (with its `\n`): must still end the consumed prefix. */
  private seam: Uint8Array = new Uint8Array(0);
  private badLines: IndexLineProblem[] = [];
  /** Settles when the read of the file before the latest one is over (reads update the view). */
  private reading: Promise<void> = Promise.resolve();

  constructor(private readonly backend: StorageBackend) {}

  /** Lines that failed to parse, as of the last full read and the tails since. */
  get problems(): readonly IndexLineProblem[] {
    return this.badLines;
  }

  /** Lines that a compaction would drop (superseded or blank), as of the last read. */
  get deadLines(): number {
    return this.lines - this.entries.size;
  }

  /** Whether the view knows which file it read (false before the first read, or when there was none). */
  get knowsFile(): boolean {
    return this.ino !== -1;
  }

  /** The entry of every report read (tombstones included), keyed by report id. */
  get byId(): ReadonlyMap<string, IndexEntry> {
    return this.entries;
  }

  /** Where the view stands now, for {@link afterAppend}. */
  mark(): ViewMark {
    return { offset: this.offset, ino: this.ino, generation: this.generation };
  }

  /** Reads what was appended since the last read (the whole file if it was replaced). */
  async refresh(): Promise<void> {
    await this.serially(() => this.readNew());
  }

  /** Reads the whole file again (after this store replaced it). */
  async readAgain(): Promise<void> {
    await this.serially(() => this.readAll());
  }

  /**
   * Takes in the lines `data` (holding `entries`) this store just appended, found where `at` says,
   * the view having stood at `before` when the append began. When the view has not moved since and
   * the file (the one it read up to `before.offset`) ended after the write exactly `data` later,
   * those bytes are these lines: taken as written instead of read back. Otherwise other appenders
   * raced this one: their lines and these are left in the file for the next read (every read of
   * the store refreshes first), so that concurrent writers do not each read every other's lines
   * on every commit, unless the view lags too far ({@link lagsTooFar}): then it reads up now.
   */
  async afterAppend(
    before: ViewMark,
    at: AppendedAt,
    entries: readonly IndexEntry[],
    data: Uint8Array,
  ): Promise<void> {
    await this.serially(async () => {
      const unmoved = this.generation === before.generation && before.ino !== -1;
      if (unmoved && at.ino === before.ino && at.size === before.offset + data.length) {
        this.advance(entries, entries.length, data);
      } else if (this.lagsTooFar(at)) {
        await this.readNew();
      }
    });
  }

  /** Whether dead lines dominate (more than 2× the live ones + 100), with `unread` more lines taken for dead. */
  compactionDue(unread = 0): boolean {
    return this.deadLines + unread > 2 * this.entries.size + 100;
  }

  /**
   * Whether the view must read up after an append that found the file as `at` says: it is not the
   * file the view read (or it shrank), more than {@link MAX_LAG_BYTES} of it are unread, or the
   * unread lines, at the average length of those read, could make a compaction due (so that
   * lagging never puts one off).
   */
  private lagsTooFar(at: AppendedAt): boolean {
    if (at.ino !== this.ino || at.size === undefined || at.size < this.offset) return true;
    const lag = at.size - this.offset;
    if (lag > MAX_LAG_BYTES || this.lines === 0) return true;
    return this.compactionDue(Math.ceil(lag / (this.offset / this.lines)));
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
   * {@link consume}, or the lines an append of this store just wrote), which ends its seam.
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
