import { statIfExists } from "../../backend/statIfExists.js";
import type { StorageBackend } from "../../backend/storageBackend.js";
import {
  type AuditLine,
  AuditLog,
  type AuditLogPosition,
  type AuditReadResult,
} from "../../durable/index.js";
import { ErrorCode } from "../../errors/errorCodes.js";
import { LivingReportsError } from "../../errors/livingReportsError.js";
import type { Outline } from "../../schema/index.js";
import { type Fence, LockBoundBackend } from "../locking/lockBoundBackend.js";
import { auditPath } from "../shared/layout.js";
import { advanceTail, type CommittedTail, committedTail } from "./auditEvents.js";

/** An audit log opened under its report's lock, with what its tail says. */
export interface OpenedLog {
  log: AuditLog;
  tail: CommittedTail;
  /** What the open read, when the log was (re)read now; undefined when the cached state was still current. */
  read: AuditReadResult | undefined;
}

interface Entry {
  log: AuditLog;
  tail: CommittedTail;
  /** The outline this store last committed to the report, parsed, with the sha of its bytes. */
  outline?: { sha: string; outline: Outline };
  /** The file's size and inode after our last read or append (-1: inode not known yet). */
  size: number;
  ino: number;
}

/** A log closed to make room, healthy: where it stood, so it reopens without being read. */
interface Retired {
  position: AuditLogPosition;
  tail: CommittedTail;
  ino: number;
}

/** How many retired logs are remembered (a few hundred bytes each); the oldest are forgotten. */
const MAX_RETIRED = 100_000;

/**
 * Keeps the audit logs of recently written reports open, with their committed tail (baseline
 * sha and version), so a write does not re-read a whole log: under the report's lock, a log
 * whose size and inode are those this store left is current (only the lock holder appends);
 * anything else (another writer appended, a crash left a torn tail, repair replaced the file) is
 * re-read and its torn tail cut. Bounded: the least recently used log is closed beyond `max`;
 * where it stood is remembered (position, chain value, committed tail), so that reopening it,
 * when the file is still exactly as left (size and inode), reads nothing: a write costs the same
 * whatever the log's length and however many reports the store writes in turn.
 *
 * Every log is written through a lock-bound view whose lock is the one that pins the report
 * (see {@link pin}): an append or a tail cut checks that lock first, and a log written while no
 * lock of this store pins its report is refused.
 */
export class AuditLogCache {
  private readonly entries = new Map<string, Entry>();
  /**
   * Reports whose lock this store holds, with the locks (the latest last): their logs are in use
   * and never evicted to make room, and their writes are checked against the latest lock.
   */
  private readonly pinned = new Map<string, Fence[]>();
  /** Logs closed to make room, by report id, oldest first (see {@link Retired}). */
  private readonly retired = new Map<string, Retired>();

  constructor(
    private readonly backend: StorageBackend,
    private readonly max = 32,
  ) {}

  /**
   * Opens (or reuses) report `id`'s log, cutting a torn tail off a clean log; call only under
   * the report's lock.
   *
   * `kept`: the lock was kept since this store's own last commit to the report (ReportLeases), so
   * nobody else appended meanwhile: a cached log is reused without the `stat` that otherwise
   * checks it. Another writer must take the lock first (the lease is handed over to it and the
   * next lock is a fresh one); a writer that broke the lock as stale compromised it, and this
   * store's next append is then refused by the lock check or fenced out by the log (its size
   * after the write is not what this store left: AuditLog's fence), nothing committed.
   *
   * @throws LivingReportsError CORRUPT_LOG (with the first damaged `line`, all problems in
   *   `details`) when the log is damaged: nothing is cut or written; or a mapped I/O error
   */
  async open(id: string, options: { kept?: boolean } = {}): Promise<OpenedLog> {
    const path = auditPath(id);
    const cached = this.entries.get(id);
    if (options.kept === true && cached !== undefined && cached.ino !== -1) {
      this.entries.delete(id);
      this.entries.set(id, cached);
      return { log: cached.log, tail: cached.tail, read: undefined };
    }
    const stat = await statOrMissing(this.backend, path);
    if (cached !== undefined) {
      this.entries.delete(id);
      if (stat.size === cached.size && (cached.ino === -1 || cached.ino === stat.ino)) {
        cached.ino = stat.ino;
        this.entries.set(id, cached);
        return { log: cached.log, tail: cached.tail, read: undefined };
      }
      await cached.log.close();
    }
    const log = new AuditLog(new LockBoundBackend(this.backend, this.fenceOf(id)), path);
    const retired = this.retired.get(id);
    this.retired.delete(id);
    if (retired !== undefined && retired.position.size === stat.size && retired.ino === stat.ino) {
      // Exactly as this store left it (only the lock holder appends): no need to read it again.
      await log.resume(retired.position);
      const entry: Entry = { log, tail: retired.tail, size: stat.size, ino: stat.ino };
      await this.remember(id, entry);
      return { log, tail: entry.tail, read: undefined };
    }
    const read = await log.open({ repairTail: true });
    const damage = read.problems[0];
    if (damage !== undefined) {
      // Refused before the write touches anything; only repair rewrites a damaged log (G3).
      await log.close();
      throw new LivingReportsError(ErrorCode.CORRUPT_LOG, `${path}: ${damage.message}; run repair`, {
        id,
        path,
        line: damage.line,
        details: { problems: read.problems },
      });
    }
    const entry: Entry = { log, tail: committedTail(read.lines), size: read.validBytes, ino: stat.ino };
    await this.remember(id, entry);
    return { log, tail: entry.tail, read };
  }

  /** Appends to report `id`'s open log (under its lock) and updates the cached tail. */
  async append(id: string, log: AuditLog, record: Record<string, unknown>): Promise<AuditLine> {
    const line = await log.append(record);
    const entry = this.entries.get(id);
    if (entry !== undefined && entry.log === log) {
      entry.size = line.offset + line.length;
      entry.tail = advanceTail(entry.tail, line);
    }
    return line;
  }

  /**
   * Remembers `outline` as what this store just committed to report `id`, its bytes hashing to
   * `sha`: the next write's recovery, finding the same bytes, need not parse them again. The cache
   * keeps `outline` itself, not a copy: pass an object no caller of the store holds (one parsed
   * from the log or the file, or a copy), since the next commit builds on it.
   */
  rememberOutline(id: string, sha: string, outline: Outline): void {
    const entry = this.entries.get(id);
    if (entry !== undefined) entry.outline = { sha, outline };
  }

  /**
   * The outline this store last committed to report `id` when its bytes hash to `sha` (so the file
   * holds exactly it), else undefined. Callers must not modify it.
   */
  outlineFor(id: string, sha: string): Outline | undefined {
    const cached = this.entries.get(id)?.outline;
    return cached?.sha === sha ? cached.outline : undefined;
  }

  /** The cached committed tail of report `id`, if its log is open here. */
  tailOf(id: string): CommittedTail | undefined {
    return this.entries.get(id)?.tail;
  }

  /** Forgets and closes report `id`'s log (after a failure, a delete, or a rewrite). */
  async evict(id: string): Promise<void> {
    this.retired.delete(id);
    const entry = this.entries.get(id);
    if (entry === undefined) return;
    this.entries.delete(id);
    // Every acknowledged append was already made durable; a failing close loses nothing.
    await entry.log.close().catch(() => undefined);
  }

  /** Closes every cached log. */
  async closeAll(): Promise<void> {
    this.retired.clear();
    const logs = [...this.entries.values()].map((e) => e.log);
    this.entries.clear();
    await Promise.all(logs.map((log) => log.close().catch(() => undefined)));
  }

  /**
   * Marks report `id`'s log as in use under `lock` (report `id`'s lock, held here) until
   * {@link unpin}: closing it to make room would fail the operation between its `open` and its
   * `append`, and its writes are checked against `lock` meanwhile.
   */
  pin(id: string, lock: Fence): void {
    const locks = this.pinned.get(id) ?? [];
    locks.push(lock);
    this.pinned.set(id, locks);
  }

  /** Ends the {@link pin} of report `id` by `lock`. */
  unpin(id: string, lock: Fence): void {
    const locks = (this.pinned.get(id) ?? []).filter((l) => l !== lock);
    if (locks.length > 0) this.pinned.set(id, locks);
    else this.pinned.delete(id);
  }

  /** The check of report `id`'s log writes: the lock pinning it now, and none means no write. */
  private fenceOf(id: string): Fence {
    return {
      assertHeld: () => {
        const lock = this.pinned.get(id)?.at(-1);
        if (lock === undefined) {
          throw new LivingReportsError(
            ErrorCode.LOCK_COMPROMISED,
            `report ${id}: its audit log was written without its lock held`,
            { id, path: auditPath(id) },
          );
        }
        lock.assertHeld();
      },
    };
  }

  private async remember(id: string, entry: Entry): Promise<void> {
    this.entries.set(id, entry);
    // Oldest first; logs in use stay even if the cache runs over its size for a while.
    for (const candidate of [...this.entries.keys()]) {
      if (this.entries.size <= this.max) break;
      if (candidate !== id && !this.pinned.has(candidate)) await this.retire(candidate);
    }
  }

  /** Closes report `id`'s log to make room, remembering where it stood when it is healthy. */
  private async retire(id: string): Promise<void> {
    const entry = this.entries.get(id);
    if (entry === undefined) return;
    const position = entry.log.snapshot();
    await this.evict(id);
    if (position === undefined || entry.ino === -1 || position.size !== entry.size) return;
    this.retired.set(id, { position, tail: entry.tail, ino: entry.ino });
    if (this.retired.size > MAX_RETIRED) {
      const oldest = this.retired.keys().next().value;
      if (oldest !== undefined) this.retired.delete(oldest);
    }
  }
}

async function statOrMissing(backend: StorageBackend, path: string): Promise<{ size: number; ino: number }> {
  const st = await statIfExists(backend, path);
  return st === undefined ? { size: 0, ino: -1 } : { size: st.size, ino: st.ino };
}
