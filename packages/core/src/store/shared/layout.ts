/**
 * The on-disk layout of a store (docs/FORMAT.md), as root-relative paths. Every function that takes a
 * report id expects one already checked by `assertReportId` (G8): these only join strings.
 */

/** The format marker file. */
export const FORMAT_FILE = "FORMAT";
/** The derived index, one IndexEntry per line. */
export const INDEX_FILE = "index.jsonl";
/** The index's own lock (appends and compaction). */
export const INDEX_LOCK = "index.lock";
/** The folder of live reports. */
export const BY_ID = "by_id";
/** The folder of soft-deleted reports. */
export const TRASH = ".trash";
/** The folder of session locks (one per writing store instance; a stale one marks a crash). */
export const SESSIONS = ".sessions";

/** `by_id/<id>` */
export function reportDir(id: string): string {
  return `${BY_ID}/${id}`;
}

/** `by_id/<id>/outline.json` */
export function outlinePath(id: string): string {
  return `${BY_ID}/${id}/outline.json`;
}

/** `by_id/<id>/audit.jsonl` */
export function auditPath(id: string): string {
  return `${BY_ID}/${id}/audit.jsonl`;
}

/** `by_id/<id>/backups` */
export function backupsDir(id: string): string {
  return `${BY_ID}/${id}/backups`;
}

/** `by_id/<id>/backups/<name>` */
export function backupPath(id: string, name: string): string {
  return `${BY_ID}/${id}/backups/${name}`;
}

/** `by_id/<id>/.lock`, the report's lock. */
export function reportLockPath(id: string): string {
  return `${BY_ID}/${id}/.lock`;
}

/** `.sessions/<sessionId>.lock` */
export function sessionLockPath(sessionId: string): string {
  return `${SESSIONS}/${sessionId}.lock`;
}
