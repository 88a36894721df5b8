/**
 * The stable codes of the problems `verifyStore` reports (docs/GUARANTEES.md, docs/CLI.md `verify`). Programs and
 * `repair` branch on these, never on messages; a code is never renamed or reused once published.
 */
export const VerifyCode = {
  /** The root holds no `by_id/` folder: it is not a store (nothing else is checked). */
  NOT_A_STORE: "NOT_A_STORE",
  /** `FORMAT` names a newer format than this library knows: nothing else is checked. */
  FORMAT_UNSUPPORTED: "FORMAT_UNSUPPORTED",
  /** `FORMAT` exists but is not the marker this library writes. */
  FORMAT_INVALID: "FORMAT_INVALID",
  /** An entry of `by_id/` that is not a canonical lowercase UUID, or not a plain directory: never followed (G8). */
  REPORT_DIR_INVALID: "REPORT_DIR_INVALID",
  /**
   * A symlink where a file or folder of the store belongs (`index.jsonl`, `backups/`, ...): never
   * followed (G8), so what lies behind it was not checked. `repair` rebuilds a symlinked index
   * (the derived file is replaced, the link's target left alone) and lists any other.
   */
  SYMLINK: "SYMLINK",
  /** A file that could not be read (EIO, EACCES, ...): its checks were skipped. */
  FILE_UNREADABLE: "FILE_UNREADABLE",
  /** A report folder without `outline.json`. */
  OUTLINE_MISSING: "OUTLINE_MISSING",
  /** `outline.json` is not a regular file, not UTF-8 JSON, fails the schema, is over the limits, or names another report (G1). */
  OUTLINE_INVALID: "OUTLINE_INVALID",
  /** The outline's sha256 differs from the `outline_sha256` the library last committed: a manual edit not yet recorded (G9). */
  OUTLINE_HASH_MISMATCH: "OUTLINE_HASH_MISMATCH",
  /** A report with an outline but no `audit.jsonl`. */
  AUDIT_MISSING: "AUDIT_MISSING",
  /** The last line of the audit log is incomplete: an append cut by a crash, never acknowledged (G3). */
  AUDIT_TORN_TAIL: "AUDIT_TORN_TAIL",
  /** A line in the middle of the audit log that does not parse or fails its checksum (G3). */
  AUDIT_CORRUPT_LINE: "AUDIT_CORRUPT_LINE",
  /** A complete record glued onto a torn fragment on one line (the Python append's failure mode); the record is salvageable. */
  AUDIT_GLUED_RECORD: "AUDIT_GLUED_RECORD",
  /** A line whose hash chain does not follow from the line before it: a line removed, reordered or altered (G3). */
  AUDIT_CHAIN_BROKEN: "AUDIT_CHAIN_BROKEN",
  /** A record that is not a valid AuditEvent, or that names another report. */
  AUDIT_INVALID_EVENT: "AUDIT_INVALID_EVENT",
  /** Two records with one `action_id` (G3: no duplicates). */
  AUDIT_DUPLICATE_ACTION: "AUDIT_DUPLICATE_ACTION",
  /** A record whose `ts` is earlier (as an instant) than the record before it (G3: commit order). */
  AUDIT_OUT_OF_ORDER: "AUDIT_OUT_OF_ORDER",
  /** `outline_version` does not rise by exactly 1 per committed change, or the outline's differs from the last committed (G6). */
  VERSION_SEQUENCE: "VERSION_SEQUENCE",
  /** A backup an event names is absent, and no later `backup` event records its pruning (G4). */
  BACKUP_MISSING: "BACKUP_MISSING",
  /** A backup an event names exists but does not validate, or its name is not a plain backup name (G4). */
  BACKUP_INVALID: "BACKUP_INVALID",
  /** Two events of this library name the same file as the backup they made (`backup_filename`): one of them lost its backup (G4). */
  BACKUP_NAMED_TWICE: "BACKUP_NAMED_TWICE",
  /** A backup a commit made does not hold the outline committed before it (its hash is not the `outline_sha256` of the event before) (G4). */
  BACKUP_CONTENT_MISMATCH: "BACKUP_CONTENT_MISMATCH",
  /** An `index.jsonl` line that is not a valid IndexEntry. */
  INDEX_CORRUPT_LINE: "INDEX_CORRUPT_LINE",
  /** A report with an outline but no live index entry (G5). */
  INDEX_MISSING_ENTRY: "INDEX_MISSING_ENTRY",
  /** A live index entry whose title, tags, status or path differ from the report's outline (G5). */
  INDEX_STALE_ENTRY: "INDEX_STALE_ENTRY",
  /** A live index entry for a report that has no outline (G5: deleted reports are tombstoned). */
  INDEX_UNKNOWN_REPORT: "INDEX_UNKNOWN_REPORT",
  /** A temp file left by a write cut before its rename (`*.tmp-*`, the Python `*.tmp`). */
  ORPHAN_TEMP: "ORPHAN_TEMP",
  /** A lock (file or directory) not refreshed within the stale time: its holder died (G7). */
  STALE_LOCK: "STALE_LOCK",
  /**
   * Notice (not a problem): `outline.json` is behind the log's head, which carries the committed
   * outline (a commit whose files a crash cut); readers see the committed outline, and the next
   * write or open rolls the file forward.
   */
  OUTLINE_BEHIND_LOG: "OUTLINE_BEHIND_LOG",
  /** Notice (not a problem): a backup named by the log is missing, and the log holds its content; recovery makes it again. */
  BACKUP_BEHIND_LOG: "BACKUP_BEHIND_LOG",
  /**
   * Notice (not a problem): a record of a writer that lost its lock while paused and appended
   * after another writer had committed: fenced out, never acknowledged, skipped by every reader.
   */
  AUDIT_FENCED_RECORD: "AUDIT_FENCED_RECORD",
  /**
   * Notice (not a problem): a report whose log ends with its `delete` event while its folder is
   * still in `by_id/`: the delete committed, its move into the trash was cut (a crash, or an I/O
   * error after the event); the next write to the report, or `repair`, completes it. Its index
   * entry may be its tombstone (the delete's) or the live line from before.
   */
  DELETE_MOVE_PENDING: "DELETE_MOVE_PENDING",
  /** A report in `by_id/` that also has a folder in `.trash/`: a move cut half-way by a crash (recovery keeps one). */
  REPORT_IN_TWO_PLACES: "REPORT_IN_TWO_PLACES",
} as const;

/** One of the stable verify problem codes. */
export type VerifyCode = (typeof VerifyCode)[keyof typeof VerifyCode];
