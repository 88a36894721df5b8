import { dirname } from "../backend/paths.js";
import type { FileHandle, StorageBackend } from "../backend/storageBackend.js";
import { ErrorCode } from "../errors/errorCodes.js";
import { fromSystemError } from "../errors/fromSystemError.js";
import { LivingReportsError } from "../errors/livingReportsError.js";
import { encodeAuditLine } from "./auditLine.js";
import { type AuditLine, type AuditReadResult, parseAuditLogYielding } from "./parseAuditLog.js";
import { writeAll } from "./writeAll.js";

/** Options of {@link AuditLog.open}. */
export interface AuditLogOpenOptions {
  /** Cut an unacknowledged torn tail off (truncate + datasync) so appends can follow. */
  repairTail?: boolean;
}

/**
 * Where a healthy log stood when it was last used (see {@link AuditLog.snapshot}): enough to
 * append after its last line again without reading the file, as long as the file is unchanged.
 */
export interface AuditLogPosition {
  /** The file's size: every byte of it durable, ending with a complete line. */
  readonly size: number;
  /** The chain value after the last line. */
  readonly hash: string;
  /** How many complete lines it holds. */
  readonly lines: number;
  /** Whether the file's directory entry was made durable by this log. */
  readonly nameDurable: boolean;
}

interface Pending {
  line: AuditLine;
  bytes: Uint8Array;
  resolve: (line: AuditLine) => void;
  reject: (err: unknown) => void;
}

const encoder = new TextEncoder();

/**
 * An append-only, hash-chained audit log (`audit.jsonl`, format in docs/FORMAT.md), with group
 * commit. One instance per log per process; writers of one log must hold its report's lock.
 *
 * Guarantees: an {@link append} resolves only once its line is durable (written and
 * fdatasynced, and, on the first append after each {@link open}, the file's name synced into its
 * directory).
 * Lines are written in call order and each chains to the one before. A failed write or
 * datasync fails every caller whose line was in that batch (and any queued behind it), never
 * pretends success, and leaves the log refusing appends until it is reopened.
 */
export class AuditLog {
  readonly #backend: StorageBackend;
  readonly #path: string;
  #opened = false;
  #closed = false;
  /**
   * The file's directory entry was synced by this open. Never inferred from the file existing at
   * open: an earlier first append whose directory sync failed leaves a file whose name is still
   * volatile, and a later acknowledged line would vanish with it at a power loss.
   */
  #nameDurable = false;
  #handle: FileHandle | undefined;
  /** Bytes known durable (what a failed batch is truncated back to). */
  #durableSize = 0;
  /** Size and chain after every queued line. */
  #queuedSize = 0;
  #queuedHash = "";
  #queuedLines = 0;
  #pending: Pending[] = [];
  #flushing: Promise<void> | undefined;
  /** Set when appends must be refused: a torn tail left in place, or a failed batch. */
  #refusal: LivingReportsError | undefined;

  /** Binds the log at `path` (root-relative) on `backend`; nothing is touched until {@link open}. */
  constructor(backend: StorageBackend, path: string) {
    this.#backend = backend;
    this.#path = path;
  }

  /** The log's root-relative path. */
  get path(): string {
    return this.#path;
  }

  /**
   * Reads and checks the log (a missing file reads as empty) and prepares appends after its
   * last complete line. Writes nothing unless `repairTail` is set and there is a torn tail in an
   * otherwise clean log: then the tail is truncated and the truncation datasynced. A torn tail
   * left in place makes {@link append} refuse (appending would glue a record onto it). A log with
   * problems (damage anywhere, docs/GUARANTEES.md#g3-audit-log) is never cut, and {@link append} refuses with
   * CORRUPT_LOG naming the first damaged line; the problems are returned, not thrown, so that
   * readers and repair can decide. May be called again to reopen.
   *
   * @throws LivingReportsError mapped I/O errors (the file exists but cannot be read or cut)
   */
  async open(options: AuditLogOpenOptions = {}): Promise<AuditReadResult> {
    await this.#shutdown();
    let bytes: Uint8Array;
    try {
      bytes = await this.#backend.readFile(this.#path);
    } catch (err) {
      const mapped = fromSystemError(err, this.#path, "read");
      if (mapped.code !== ErrorCode.NOT_FOUND) throw mapped;
      bytes = new Uint8Array(0);
    }
    // The first append after each open syncs the directory once (see #nameDurable).
    this.#nameDurable = false;
    // In slices: a long log must not hold back this process's lock refreshes while it is checked.
    const result = await parseAuditLogYielding(bytes);
    this.#refusal = undefined;
    const completeLines = countNewlines(bytes, result.validBytes);
    const damage = result.problems[0];
    if (damage !== undefined) {
      // Appending would bury the damage under acknowledged lines, and cutting a tail off a
      // damaged log could delete evidence: only repair rewrites such a log.
      this.#refusal = new LivingReportsError(
        ErrorCode.CORRUPT_LOG,
        `${this.#path}: ${damage.message}; the log refuses appends until it is repaired`,
        { path: this.#path, line: damage.line, details: { problems: result.problems } },
      );
    } else if (result.tornTail !== null) {
      if (options.repairTail === true) {
        const handle = await this.#ensureHandle();
        await step(() => handle.truncate(result.validBytes), this.#path, "truncate");
        await step(() => handle.datasync(), this.#path, "fdatasync");
      } else {
        this.#refusal = new LivingReportsError(
          ErrorCode.CORRUPT_LOG,
          `${this.#path}: torn tail at byte ${result.tornTail.offset}; reopen with repairTail before appending`,
          { path: this.#path, line: completeLines + 1 },
        );
      }
    }
    this.#durableSize = result.validBytes;
    this.#queuedSize = result.validBytes;
    this.#queuedHash = result.tailHash;
    this.#queuedLines = completeLines;
    this.#opened = true;
    this.#closed = false;
    return result;
  }

  /**
   * Appends one record as a framed line. Calls made while a datasync is in flight are written
   * together by the next single `write` + `datasync` (group commit). Resolves once the line is
   * durable, with the line as it now stands in the file.
   *
   * @throws LivingReportsError INVALID_INPUT (record not encodable; nothing written), CLOSED (not
   *   open), CORRUPT_LOG (torn tail not repaired, or a damaged log: `line` names the first
   *   damaged line), or the mapped I/O error of the failed batch
   */
  append(record: Record<string, unknown>): Promise<AuditLine> {
    if (!this.#opened || this.#closed)
      return Promise.reject(
        new LivingReportsError(ErrorCode.CLOSED, `${this.#path}: audit log is not open`, {
          path: this.#path,
        }),
      );
    if (this.#refusal !== undefined) return Promise.reject(this.#refusal);
    let encoded: { text: string; hash: string };
    try {
      encoded = encodeAuditLine(record, this.#queuedHash);
    } catch (err) {
      return Promise.reject(err);
    }
    const bytes = encoder.encode(encoded.text);
    const line: AuditLine = {
      line: ++this.#queuedLines,
      kind: "framed",
      record: recordOf(encoded.text),
      raw: encoded.text.slice(0, -1),
      offset: this.#queuedSize,
      length: bytes.byteLength,
      hash: encoded.hash,
    };
    this.#queuedSize += bytes.byteLength;
    this.#queuedHash = encoded.hash;
    return new Promise<AuditLine>((resolve, reject) => {
      this.#pending.push({ line, bytes, resolve, reject });
      if (this.#flushing === undefined) this.#flushing = this.#flush();
    });
  }

  /**
   * Where this log stands, when it is healthy and idle (open, nothing in flight, not refusing
   * appends): what {@link resume} needs to append after the same file again without reading it.
   * Undefined otherwise. Never throws.
   */
  snapshot(): AuditLogPosition | undefined {
    if (!this.#opened || this.#closed || this.#refusal !== undefined) return undefined;
    if (this.#pending.length > 0 || this.#flushing !== undefined) return undefined;
    if (this.#queuedSize !== this.#durableSize) return undefined;
    return {
      size: this.#durableSize,
      hash: this.#queuedHash,
      lines: this.#queuedLines,
      nameDurable: this.#nameDurable,
    };
  }

  /**
   * Prepares appends after `position` without reading the file: O(1) whatever the log's length.
   * Only for a file known to be exactly as a {@link snapshot} of this process left it (same size
   * and inode, checked by the caller under the report's lock, as only its holder appends); anything
   * else must be {@link open}ed (read and checked) instead. Writes nothing.
   */
  async resume(position: AuditLogPosition): Promise<void> {
    await this.#shutdown();
    this.#refusal = undefined;
    this.#nameDurable = position.nameDurable;
    this.#durableSize = position.size;
    this.#queuedSize = position.size;
    this.#queuedHash = position.hash;
    this.#queuedLines = position.lines;
    this.#opened = true;
    this.#closed = false;
  }

  /** Waits for appends in flight, then closes the file. Idempotent; appends after it fail with CLOSED. */
  async close(): Promise<void> {
    await this.#shutdown();
    this.#closed = true;
  }

  async #shutdown(): Promise<void> {
    while (this.#flushing !== undefined) await this.#flushing;
    const handle = this.#handle;
    this.#handle = undefined;
    this.#opened = false;
    if (handle !== undefined) await step(() => handle.close(), this.#path, "close");
  }

  async #flush(): Promise<void> {
    // Let appends made in the same tick join the first batch.
    await Promise.resolve();
    try {
      while (this.#pending.length > 0) {
        const batch = this.#pending;
        this.#pending = [];
        const size = batch.reduce((n, p) => n + p.bytes.byteLength, 0);
        try {
          await this.#commit(batch, size);
        } catch (err) {
          await this.#fail(batch, err);
          return;
        }
        this.#durableSize += size;
        for (const p of batch) p.resolve(p.line);
      }
    } finally {
      this.#flushing = undefined;
    }
  }

  async #commit(batch: Pending[], bytes: number): Promise<void> {
    const handle = await this.#ensureHandle();
    const data = batch.length === 1 ? batch[0]!.bytes : concat(batch, bytes);
    await writeAll(handle, data);
    await step(() => handle.datasync(), this.#path, "fdatasync");
    if (!this.#nameDurable) {
      const dir = dirname(this.#path);
      await step(() => this.#backend.syncDir(dir), dir, "syncDir");
      this.#nameDurable = true;
    }
    // The fence (docs/DESIGN.md#fencing): a writer paused past its lock's stale time may append
    // after another writer took the lock and appended. The file then is not exactly as this log
    // left it plus this batch, and the batch counts only if it still extends the chain's head.
    let size: number;
    try {
      ({ size } = await handle.stat());
    } catch (err) {
      throw fromSystemError(err, this.#path, "fstat");
    }
    if (size !== this.#durableSize + bytes) await this.#checkChained(batch);
  }

  /**
   * Reads the whole log and checks that the batch's last line is on the chain, not fenced out.
   * @throws LivingReportsError LOCK_COMPROMISED (`details.fenced`) when it is fenced out
   */
  async #checkChained(batch: Pending[]): Promise<void> {
    let data: Uint8Array;
    try {
      data = await this.#backend.readFile(this.#path);
    } catch (err) {
      throw fromSystemError(err, this.#path, "read");
    }
    const ours = batch.at(-1)?.line.hash;
    const read = await parseAuditLogYielding(data);
    if (read.lines.some((l) => l.hash === ours)) return;
    throw new LivingReportsError(
      ErrorCode.LOCK_COMPROMISED,
      `${this.#path}: another writer appended while this one held an outdated lock; its record is fenced out (not committed)`,
      { path: this.#path, details: { fenced: true } },
    );
  }

  /**
   * Fails the batch and everything queued behind it, refuses further appends, and cuts what may
   * have been written, durably: a failed fdatasync may still have made the lines durable, and a
   * failed append must not come back after a crash. This second datasync runs only on this path.
   * If the cut or its datasync fails too, the error says the log is unusable until reopened.
   */
  async #fail(batch: Pending[], err: unknown): Promise<void> {
    let error = fromSystemError(err, this.#path, "append");
    const queued = this.#pending;
    this.#pending = [];
    const handle = this.#handle;
    // A fenced-out batch sits after another writer's lines: cutting back would cut theirs.
    const fenced = error.details?.fenced === true;
    if (handle !== undefined && !fenced) {
      try {
        await handle.truncate(this.#durableSize);
        await handle.datasync();
      } catch (cutErr) {
        const cut = fromSystemError(cutErr, this.#path, "truncate");
        error = new LivingReportsError(
          error.code,
          `${error.message}; cutting the failed append back also failed (${cut.message}): the log is ` +
            "unusable until it is reopened, and the failed record may survive a crash",
          {
            path: this.#path,
            cause: error,
            ...(error.syscode === undefined ? {} : { syscall: error.syscode }),
            details: { unusable: true },
          },
        );
      }
    }
    this.#refusal = new LivingReportsError(
      error.code,
      `${this.#path}: audit log refuses appends after a failed append (${error.message}); reopen it`,
      { path: this.#path, cause: error },
    );
    for (const p of [...batch, ...queued]) p.reject(error);
  }

  async #ensureHandle(): Promise<FileHandle> {
    if (this.#handle !== undefined) return this.#handle;
    let handle: FileHandle;
    try {
      handle = await this.#backend.open(this.#path, "a");
    } catch (err) {
      throw fromSystemError(err, this.#path, "open");
    }
    this.#handle = handle;
    return handle;
  }
}

/** The record as a reader will see it (JSON round-trip: `undefined` fields dropped), without integrity fields. */
function recordOf(text: string): Record<string, unknown> {
  const { prev: _prev, sha256: _sha256, ...record } = JSON.parse(text) as Record<string, unknown>;
  return record;
}

function countNewlines(bytes: Uint8Array, end: number): number {
  let n = 0;
  for (let i = bytes.indexOf(0x0a); i >= 0 && i < end; i = bytes.indexOf(0x0a, i + 1)) n++;
  return n;
}

function concat(batch: Pending[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of batch) {
    out.set(p.bytes, at);
    at += p.bytes.byteLength;
  }
  return out;
}

async function step(run: () => Promise<void>, path: string, op: string): Promise<void> {
  try {
    await run();
  } catch (err) {
    throw fromSystemError(err, path, op);
  }
}
