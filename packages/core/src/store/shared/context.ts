import type { StorageBackend } from "../../backend/storageBackend.js";
import { ErrorCode } from "../../errors/errorCodes.js";
import { LivingReportsError } from "../../errors/livingReportsError.js";
import type { LockManager, LockOptions } from "../../lock/lockManager.js";
import type { Actor, OutlineLimits } from "../../schema/index.js";
import type { AuditLogCache } from "../audit/auditCache.js";
import type { ReportIndex } from "../index/reportIndex.js";
import type { ReportLeases } from "../locking/reportLeases.js";
import type { WriterSession } from "../session/writerSession.js";
import type { Mended, OpenReportsOptions, Progress } from "./types.js";

/** The options of {@link OpenReportsOptions} with their defaults applied. */
export interface ResolvedOptions {
  actor: Actor;
  lock: LockOptions;
  limits: OutlineLimits;
  backupRetention: number | undefined;
  readOnly: boolean;
  now: () => Date;
  /** The lock clock's now in ms (verify judges lock staleness with it). */
  lockNow: (() => number) | undefined;
  onProgress: (progress: Progress) => void;
  /** How long a report's lock is kept after a commit while nobody waits (0: released at once). */
  leaseIdleMs: number;
  /** Commit by today's four-flush protocol, every file durable at acknowledgement (see OpenReportsOptions.strict). */
  strict: boolean;
}

/** What every store operation works with: one per open store. */
export interface StoreContext {
  readonly backend: StorageBackend;
  readonly locks: LockManager;
  readonly options: ResolvedOptions;
  readonly index: ReportIndex;
  readonly session: WriterSession;
  readonly audit: AuditLogCache;
  /** The report locks kept between this store's commits. */
  readonly leases: ReportLeases;
  /** What recovery mended: at open, and under the lock before each write since. */
  readonly mended: Mended[];
  /**
   * Reports whose `outline.json` this store wrote after a commit without syncing it (the log is
   * the commit point), with the backups it linked meanwhile (each the inode of an outline written
   * so): synced at `close()` (a checkpoint, see commit/checkpoint.ts).
   */
  readonly unsynced: Map<string, Set<string>>;
  /**
   * Reports whose files a commit could not write after its commit point (commitLogged.ts): the
   * next write recovers them as repair does, backups made again from the log included.
   */
  readonly deferred: Set<string>;
}

/**
 * Applies the defaults of {@link OpenReportsOptions}.
 *
 * @throws LivingReportsError INVALID_INPUT for a negative or fractional `backupRetention` or limit
 */
export function resolveOptions(options: OpenReportsOptions): ResolvedOptions {
  const retention = options.backupRetention;
  if (retention !== undefined && !(Number.isInteger(retention) && retention >= 1)) {
    throw new LivingReportsError(
      ErrorCode.INVALID_INPUT,
      `backupRetention must be an integer ≥ 1, got ${retention}`,
    );
  }
  const limits: OutlineLimits = {};
  for (const key of ["maxBytes", "maxDepth"] as const) {
    const value = options.limits?.[key];
    if (value === undefined) continue;
    if (!(Number.isInteger(value) && value >= 1)) {
      throw new LivingReportsError(
        ErrorCode.INVALID_INPUT,
        `limits.${key} must be an integer ≥ 1, got ${value}`,
      );
    }
    limits[key] = value;
  }
  return {
    actor: options.actor ?? "cli",
    lock: options.lock ?? {},
    limits,
    backupRetention: retention,
    readOnly: options.readOnly ?? false,
    now: options.now ?? (() => new Date()),
    lockNow: options.clock === undefined ? undefined : () => options.clock!.now(),
    onProgress: options.onProgress ?? (() => {}),
    leaseIdleMs: leaseIdle(options.leaseIdleMs),
    strict: options.strict ?? false,
  };
}

/** The default lease idle time: long enough for a writer's next commit, short for a waiter. */
const DEFAULT_LEASE_IDLE_MS = 20;

function leaseIdle(value: number | undefined): number {
  if (value === undefined) return DEFAULT_LEASE_IDLE_MS;
  if (!(Number.isFinite(value) && value >= 0)) {
    throw new LivingReportsError(ErrorCode.INVALID_INPUT, `leaseIdleMs must be a number ≥ 0, got ${value}`);
  }
  return value;
}
