import type { AuditEvent } from "../../schema/index.js";

/**
 * One valid event of a report's audit log as the later checks see it: its 1-based line, whether
 * this library wrote it (`framed`) or the Python module did (`legacy`, or `salvaged` from a line
 * glued onto a torn one), and the validated event.
 */
export interface AuditView {
  line: number;
  kind: "framed" | "legacy" | "salvaged";
  event: AuditEvent;
}

/** The payload keys under which events name backup files (docs/FORMAT.md#data-model: evolve, tag_update, revert, ...). */
const BACKUP_KEYS = ["backup_filename", "backup_restored", "current_state_backup"] as const;

/** The backup file names an event names (null values, as Python writes them, are skipped). */
export function backupNamesOf(event: AuditEvent): string[] {
  const names: string[] = [];
  for (const key of BACKUP_KEYS) {
    const value = event.payload[key];
    if (typeof value === "string") names.push(value);
  }
  return names;
}

/** The backup file names a `backup` event records as pruned (docs/FORMAT.md retention). */
export function prunedNamesOf(event: AuditEvent): string[] {
  if (event.action_type !== "backup") return [];
  const pruned = event.payload.pruned;
  return Array.isArray(pruned) ? pruned.filter((n): n is string => typeof n === "string") : [];
}

/** The `outline_version` an event committed, when it records one. */
export function versionOf(event: AuditEvent): number | undefined {
  const version = event.payload.outline_version;
  return typeof version === "number" && Number.isInteger(version) ? version : undefined;
}
