import { statIfExists } from "../../backend/statIfExists.js";
import type { FileHandle, FileStat, StorageBackend } from "../../backend/storageBackend.js";
import { writeLinesOnce } from "../../durable/appendLines.js";
import { closeQuietly } from "../../durable/writeAll.js";
import { fromSystemError } from "../../errors/fromSystemError.js";
import { isLivingReportsError } from "../../errors/livingReportsError.js";
import { INDEX_FILE, INDEX_LOCK } from "../shared/layout.js";

/**
 * A handle on `index.jsonl` opened for appending, with its inode, kept between appends so that
 * an append that finds the file as it left it needs no `open`, `fstat` and `close` of its own.
 */
export interface KeptAppendHandle {
  readonly handle: FileHandle;
  readonly ino: number;
}

/** How an append without the index lock ended (see {@link appendShared}). */
export interface SharedAppend {
  outcome: SharedAppendOutcome;
  /**
   * When `appended`: the file's inode and size checked at step 4, after the write. If the size is
   * where the appender knew the file to end plus the lines' length, the lines are all that was
   * appended since, and it need not read them back.
   */
  ino?: number;
  size?: number;
  /** When `appended`: the handle, still open, for the caller to keep for its next append. */
  kept?: KeptAppendHandle;
}

/** The outcomes of {@link appendShared}. */
export type SharedAppendOutcome =
  /** The lines are in the current `index.jsonl`, where every later compaction or rebuild keeps them. */
  | "appended"
  /**
   * A compaction or rebuild may have missed them (it held the index lock, or replaced the file):
   * the caller appends them again under the index lock. The file may hold them already: a
   * duplicate line is harmless (the last line per report wins, and a report's lines are ordered
   * by its lock, which the caller holds until its append is done).
   */
  | "again-under-lock"
  /** The backend has no inode numbers (`ino` 0): nothing was written; append under the lock. */
  | "no-inodes";

/**
 * Appends index lines without taking `index.lock`, so writers of different reports, in any
 * process, do not take turns per commit (docs/LOCKS.md, "Index appends"). Only compactions and
 * rebuilds, which replace `index.jsonl` whole, take the index lock; an appender makes sure after
 * its write that none of them can lose its lines:
 *
 * 1. `open(index.jsonl, "a")` and `fstat` it: inode F (a backend without inode numbers stops
 *    here, `no-inodes`);
 * 2. one write of the lines ({@link writeLinesOnce}: never interleaved with another appender's);
 * 3. `stat(index.lock)` until it is free: held (by anyone), it looks again after a short wait,
 *    for up to {@link LOCK_WAIT_MS}; still held then → `again-under-lock`;
 * 4. `stat(index.jsonl)`: another inode (or none) → `again-under-lock`; F → `appended`.
 *
 * Why `appended` is safe: at step 4 the file is F, so any replacement of F renames over it later
 * than step 4. The replacer took `index.lock` before it read anything (a compaction reads F, a
 * rebuild the outlines), and held it until after its rename. The lock was free at step 3's last
 * look, which is after step 2 and before step 4, so the replacer took it after that look, after
 * the lines were written: its read finds them (a rebuild finds the outline committed before the
 * lines, which holds their entry or a newer one). A replacer that held the lock at an earlier
 * look and has let it go since either replaced F (step 4 sees another inode) or did not.
 * Waiting at step 3 rather than taking the lock at once matters with many writers: an appender
 * that takes the lock makes every appender that looks meanwhile take it too, in turn, and that
 * queue renews itself. Checking the inode first and the lock second would not do:
 * a compaction that read before the write could rename and release between the two checks. The
 * handle stays open across step 4, so F's inode number cannot be reused by another file meanwhile
 * (memfs and PostgreSQL never reuse them at all). Every other interleaving ends in
 * `again-under-lock`: the caller waits for the compaction or rebuild to finish and appends again.
 *
 * With `kept`, a handle an earlier `appended` returned (steps 1 are done: its inode is F, fixed for
 * the handle's life, whatever replaced the file since), it writes through that handle. After
 * `appended` the handle is returned open (`kept`), for the next append; after anything else it is
 * closed (the file it appends to may no longer be the index).
 *
 * @returns the outcome, with the file's inode and size after the write when `appended`
 * @throws LivingReportsError a mapped storage error (the handle is closed); after a failed write
 *   the file may end in part of the lines (a torn line: the caller rebuilds the index)
 */
export async function appendShared(
  backend: StorageBackend,
  data: Uint8Array,
  kept?: KeptAppendHandle,
): Promise<SharedAppend> {
  const opened = kept ?? (await openForAppend(backend));
  if (opened === "again-under-lock" || opened === "no-inodes") return { outcome: opened };
  const { handle, ino } = opened;
  let outcome: SharedAppend;
  try {
    await writeLinesOnce(handle, data);
    // Step 3 before step 4 (see appendShared): the lock first, then the file's identity.
    const now = (await lockLetGo(backend)) ? await statOrUndefined(backend, INDEX_FILE) : undefined;
    outcome =
      now !== undefined && now.ino === ino
        ? { outcome: "appended", ino, size: now.size, kept: opened }
        : { outcome: "again-under-lock" };
  } catch (err) {
    await closeQuietly(handle);
    throw err;
  }
  if (outcome.outcome !== "appended") await closeQuietly(handle);
  return outcome;
}

/** Step 1 (see {@link appendShared}): the handle and its inode F, or why the append goes elsewhere. */
async function openForAppend(
  backend: StorageBackend,
): Promise<KeptAppendHandle | "again-under-lock" | "no-inodes"> {
  let handle: FileHandle;
  try {
    handle = await backend.open(INDEX_FILE, "a");
  } catch (err) {
    throw fromSystemError(err, INDEX_FILE, "open");
  }
  let ino: number;
  try {
    ({ ino } = await handle.stat());
  } catch (err) {
    await closeQuietly(handle);
    // Nothing is written yet, so the append under the lock can take over: PostgreSQL drops an
    // inode with its last name even while it is open (a compaction renamed over the file between
    // our open and this fstat), and any lasting failure is reported by that append itself.
    if (isLivingReportsError(err)) return "again-under-lock";
    throw err;
  }
  if (ino !== 0) return { handle, ino };
  await closeQuietly(handle);
  return "no-inodes";
}

/**
 * How long step 3 of {@link appendShared} waits for a held `index.lock` to be let go (a
 * compaction or rebuild takes milliseconds) before the caller takes the lock itself, which also
 * reclaims the lock of a holder that died.
 */
const LOCK_WAIT_MS = 500;

/** Step 3: true once `index.lock` is seen free, false when it is still held after {@link LOCK_WAIT_MS}. */
async function lockLetGo(backend: StorageBackend): Promise<boolean> {
  const deadline = performance.now() + LOCK_WAIT_MS;
  for (let delay = 1; ; delay = Math.min(delay * 2, 16)) {
    if ((await statOrUndefined(backend, INDEX_LOCK)) === undefined) return true;
    if (performance.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

/** The stat of `path`, or undefined when nothing is there. */
async function statOrUndefined(backend: StorageBackend, path: string): Promise<FileStat | undefined> {
  try {
    return await statIfExists(backend, path);
  } catch (err) {
    throw fromSystemError(err, path, "stat");
  }
}
