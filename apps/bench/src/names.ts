/** The workloads (issues 6 and 11), by the names the results use. */
export const WORKLOADS = [
  "replace-4k",
  "replace-64k",
  "append",
  "append-8-concurrent",
  "update",
  "update-100-reports",
  "update-8-concurrent",
  "update-8-processes",
  "update-history-10",
  "update-history-1000",
  "lock-uncontended",
  "lock-handoff-inprocess",
  "lock-handoff-crossprocess",
  "index-update-10k",
  "rebuild-100k",
] as const;

/** A workload name. */
export type Workload = (typeof WORKLOADS)[number];

/** The contenders (issues 6 and 11), by the names the results use. */
export const CONTENDERS = [
  "living-reports",
  "living-reports-postgres",
  "node-baseline-sync",
  "node-baseline-async",
  "write-file-atomic",
  "atomically",
  "steno",
  "proper-lockfile",
  "proper-lockfile-tuned",
  "seed-python",
  "sqlite-wal-full",
  "sqlite-rollback-full",
  "lmdb",
] as const;

/** A contender name. */
export type Contender = (typeof CONTENDERS)[number];

/** True when `value` names a workload. */
export function isWorkload(value: string): value is Workload {
  return (WORKLOADS as readonly string[]).includes(value);
}

/** True when `value` names a contender. */
export function isContender(value: string): value is Contender {
  return (CONTENDERS as readonly string[]).includes(value);
}

/**
 * Contenders that flush inside native code (SQLite, LMDB): the in-process fsync counter, which
 * wraps `node:fs`, cannot see their syncs, so only strace counts them.
 */
export const NATIVE_SYNC_CONTENDERS: readonly Contender[] = [
  "sqlite-wal-full",
  "sqlite-rollback-full",
  "lmdb",
];
