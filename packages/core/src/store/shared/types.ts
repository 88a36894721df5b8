import type { StorageBackend } from "../../backend/storageBackend.js";
import type { Clock } from "../../lock/clock.js";
import type { LockManager, LockOptions } from "../../lock/lockManager.js";
import type { Actor, AuditEvent, IndexEntry, Insight, Outline, Section } from "../../schema/index.js";

/** Report status as kept in `metadata.status` and the index. */
export type ReportStatus = "active" | "archived";

/** Options of {@link openReports}. */
export interface OpenReportsOptions {
  /** Actor recorded on events when an operation does not name one (default `cli`). */
  actor?: Actor;
  /** Lock timeouts and staleness (docs/LOCKS.md defaults). */
  lock?: LockOptions;
  /** Outline limits on input and on read (defaults 16 MiB, 64 levels). */
  limits?: { maxBytes?: number; maxDepth?: number };
  /** Keep at most this many backups per report (default: keep all); pruning is recorded as a `backup` event. */
  backupRetention?: number;
  /** Open for reading and verification only: nothing is written, no recovery runs (what `verify` uses). */
  readOnly?: boolean;
  /** Create the root layout (FORMAT, by_id/) if the root holds no store (default false: NOT_FOUND). */
  create?: boolean;
  /** Source of time for timestamps (default `() => new Date()`); the crash explorer pins it. */
  now?: () => Date;
  /**
   * Overrides the clock `verify` judges lock staleness by. Default: the clock of the backend's
   * lock manager (wall time on node-fs, the disk's virtual clock on memfs), so rarely needed.
   */
  clock?: Clock;
  /** Called with progress of long work (rebuild, verify, repair). */
  onProgress?: (progress: Progress) => void;
  /**
   * Builds the store's lock manager over `backend` (default: `createLockManager(backend)`, from
   * the backend's clock and lock primitive). For tests that log or observe every lock hold: wrap
   * the default rather than replace it. The store closes it at `close()`.
   */
  lockManager?: (backend: StorageBackend) => LockManager;
  /**
   * How long (ms, on the lock clock) a report's lock is kept after a commit while nobody else
   * waits for it, so that the next commit of this store takes it (and recovers the report) no
   * more; a waiter in this process gets it at once, one elsewhere at the end of the next commit or
   * after this time. Default 20; 0 releases it after every commit.
   */
  leaseIdleMs?: number;
  /**
   * Commit by the strict protocol (default false): a change is acknowledged only once
   * `outline.json`, its backup, and the audit event are each durable on disk (four flushes per
   * update), so that a program reading the raw files without this library finds them current
   * after any crash. By default the audit event is the commit point (one flush per update):
   * `outline.json` and the backup are written after it without their own flushes, synced at
   * `close()`, and rolled forward from the log after a crash (docs/DESIGN.md#the-commit-protocol-one-change-of-an-existing-report).
   * A strict store keeps an existing format-1 marker, so older readers still open it.
   */
  strict?: boolean;
}

/** Progress of long work: `done` of `total` items of `phase`. */
export interface Progress {
  phase: string;
  done: number;
  total: number;
}

/** What `openReports` (or a repair) found and mended. */
export interface RecoveryReport {
  /** One line per thing mended, e.g. `{ report_id, action: "cut_torn_tail", file, detail }`. */
  mended: { report_id?: string; action: string; file?: string; detail?: string }[];
  /** Whether the index was rebuilt (unclean shutdown, or an index that could not be trusted). */
  indexRebuilt: boolean;
}

/** One line of a {@link RecoveryReport} (what recovery, a write or repair mended). */
export type Mended = RecoveryReport["mended"][number];

/** Options common to mutating calls. */
export interface MutationOptions {
  actor?: Actor;
  /** Fails with VERSION_CONFLICT (writing nothing) unless the stored `outline_version` equals this. */
  expectedVersion?: number;
  /** Caller's idempotency/request id, recorded on the event. */
  requestId?: string;
}

/** Input of {@link ReportStore.create}. */
export interface CreateInput {
  title: string;
  tags?: string[];
  sections?: Section[];
  insights?: Insight[];
  metadata?: Record<string, unknown>;
}

/** Filters and order of {@link ReportStore.list}. */
export interface ListOptions {
  status?: "active" | "archived" | "deleted" | "all";
  /** All of these tags (AND). */
  tags?: string[];
  sort?: "updated" | "created" | "title";
}

/** One problem found by verify. */
export interface VerifyProblem {
  report_id?: string;
  file?: string;
  line?: number;
  code: string;
  message: string;
}

/** What verify returns: `ok` iff no problems. */
export interface VerifyReport {
  ok: boolean;
  problems: VerifyProblem[];
  /**
   * Findings that are not problems of the committed state, so `ok` stays true: files behind the
   * log's head that the next write or open rolls forward (OUTLINE_BEHIND_LOG, BACKUP_BEHIND_LOG),
   * records of writers fenced out after losing their lock (AUDIT_FENCED_RECORD).
   */
  notices: VerifyProblem[];
  /** How many reports were checked. */
  reports: number;
}

/** What repair did and could not do. */
export interface RepairReport extends RecoveryReport {
  /** Problems that remain (a missing backup is reported, never invented). */
  unresolved: VerifyProblem[];
}

/** A soft-deleted report in `.trash/`. */
export interface TrashEntry {
  report_id: string;
  title: string;
  deleted_at: string;
  /** Root-relative path of its folder in `.trash/`. */
  location: string;
}

/** A committed audit event with its position in the log. */
export type HistoryEvent = AuditEvent & { line: number };

/**
 * The living-reports store over one root. Every mutating call takes the report's lock, recovers
 * what a crash left (G9 manual edits included), commits durably (G1–G4, G6), updates the index,
 * and resolves only once the change survives a crash. Reads never write.
 */
export interface ReportStore extends AsyncDisposable {
  /** What opening found and mended, and what recovery under the lock mended before later writes. */
  readonly recovery: RecoveryReport;
  create(input: CreateInput, options?: MutationOptions): Promise<Outline>;
  get(id: string): Promise<Outline>;
  /** Replaces the outline (docs/CLI.md `update`): `report_id` and `created_at` must match; the store sets `outline_version` and `updated_at`. Without `expectedVersion`, the given outline's own `outline_version` is the expected one; `force` skips the check. */
  update(outline: Outline, options?: MutationOptions & { force?: boolean }): Promise<Outline>;
  rename(id: string, title: string, options?: MutationOptions): Promise<Outline>;
  tag(id: string, change: { add?: string[]; remove?: string[] }, options?: MutationOptions): Promise<Outline>;
  setStatus(id: string, status: ReportStatus, options?: MutationOptions): Promise<Outline>;
  archive(id: string, options?: MutationOptions): Promise<Outline>;
  delete(id: string, options?: MutationOptions): Promise<TrashEntry>;
  trashList(): Promise<TrashEntry[]>;
  trashRestore(id: string, options?: MutationOptions): Promise<Outline>;
  /** Removes trashed reports for good; with `olderThanDays`, only those deleted that long ago. Returns the ids purged. */
  trashPurge(options?: { olderThanDays?: number }): Promise<string[]>;
  fork(id: string, title: string, options?: MutationOptions): Promise<Outline>;
  synthesize(ids: string[], title: string, options?: MutationOptions): Promise<Outline>;
  /** Commits the backup that action `actionId` recorded (the state before it) as the next version. */
  revert(id: string, actionId: string, options?: MutationOptions): Promise<Outline>;
  history(id: string): Promise<HistoryEvent[]>;
  list(options?: ListOptions): Promise<IndexEntry[]>;
  /** An id, an exact title, then a unique partial title; AMBIGUOUS lists the candidates in `details.candidates`. */
  resolve(idOrTitle: string): Promise<string>;
  /** Read-only check of docs/GUARANTEES.md over one report or the whole store. */
  verify(id?: string): Promise<VerifyReport>;
  repair(id?: string): Promise<RepairReport>;
  rebuildIndex(): Promise<{ reports: number }>;
  /** Releases locks, stops timers, marks a clean shutdown. Idempotent. */
  close(): Promise<void>;
}
