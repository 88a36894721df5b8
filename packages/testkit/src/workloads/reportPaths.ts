/**
 * Where a report's files are (docs/FORMAT.md's layout), for workloads that write or inspect
 * them behind the library's back. Core keeps its own layout internal.
 */
export const reportPaths = {
  outline: (id: string): string => `by_id/${id}/outline.json`,
  audit: (id: string): string => `by_id/${id}/audit.jsonl`,
  backups: (id: string): string => `by_id/${id}/backups`,
  backup: (id: string, name: string): string => `by_id/${id}/backups/${name}`,
  lock: (id: string): string => `by_id/${id}/.lock`,
  index: "index.jsonl",
} as const;
