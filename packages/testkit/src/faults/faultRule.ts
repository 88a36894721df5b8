/** The backend and handle calls a fault can hit. `stat` covers both `backend.stat` and `handle.stat`. */
export const FAULT_OPS = [
  "open",
  "read",
  "write",
  "sync",
  "datasync",
  "syncDir",
  "rename",
  "link",
  "unlink",
  "mkdir",
  "rmdir",
  "readdir",
  "stat",
  "readFile",
  "truncate",
  "close",
  "utimes",
] as const;

/** One of {@link FAULT_OPS}. */
export type FaultOp = (typeof FAULT_OPS)[number];

/** The errno a fault reports (docs/CRASH-MODEL.md). */
export type FaultErrorCode = "EIO" | "ENOSPC" | "EACCES" | "EROFS" | "EMFILE";

/** The errnos a fault can report, for iterating in tests. */
export const FAULT_ERROR_CODES: readonly FaultErrorCode[] = ["EIO", "ENOSPC", "EACCES", "EROFS", "EMFILE"];

/**
 * One rule of a {@link FaultPlan}: which calls it hits, and what happens to them.
 *
 * Which calls: those of `op` (`"*"`: any op) whose path matches `path` (for `rename` and `link`,
 * either path), counted per rule from 1. Without `nth` or `probability` the first match fires;
 * with `nth`, the nth match; with `probability`, each match with that chance, drawn from a PRNG
 * seeded with `seed` (default 1), so a plan replays identically. `times: "always"` keeps firing on
 * every later match (from the nth on, or at every successful draw); `"once"` (default) fires once.
 *
 * What happens: the call fails with `error`, mapped as a real backend maps it
 * (`fromSystemError`: EIO → STORAGE_FAILURE, ENOSPC → NO_SPACE, any fsync/fdatasync/syncDir fault →
 * FSYNC_FAILED with `syscode` = the errno). By default a faulted call did not happen, except the
 * three syncs and `close`, which run on the inner backend first: a failed fsync leaves the data in
 * an unknown state (it may well be durable), and close(2) releases the descriptor even when it
 * reports an error. `applied` overrides that default (e.g. `applied: false` on a sync: the data
 * stays volatile; `applied: true` on a rename: it happened, yet an error was reported).
 *
 * `shortWrite` (op `write` only): only the first `shortWrite` bytes are written; then the call
 * fails with `error`, or, without `error`, resolves to the short count as a short write.
 *
 * `loseUnsynced` (ops `sync` and `datasync` only): the failed fsync behaves as on Linux, where
 * the kernel may mark the file's dirty pages clean without writing them: the data written since
 * the last sync never becomes durable (a crash loses it, a later fsync reports success without
 * saving it), though reads still see it. Code that retries the fsync after EIO and carries on
 * loses acknowledged data; this makes that bug visible. It needs a backend that can forget
 * unsynced data (memfs); on any other backend the faulted call rejects with INVALID_INPUT.
 *
 * `path` is relative to the backend's root, like every backend path: an absolute path (a string
 * starting with `/`) can never match and is refused.
 */
export interface FaultRule {
  op: FaultOp | "*";
  /** An exact path, a glob (`*` and `?` within a segment, `**` across segments), or a RegExp. Default: any. */
  path?: string | RegExp;
  /** Fire at the nth matching call (1-based). Exclusive with `probability`. */
  nth?: number;
  /** Fire at each matching call with this chance (0..1). Exclusive with `nth`. */
  probability?: number;
  /** Seed of this rule's PRNG (with `probability`); default 1. */
  seed?: number;
  /** The errno reported. Required unless `shortWrite` is given. */
  error?: FaultErrorCode;
  /** `once` (default) or `always`. */
  times?: "once" | "always";
  /** Write only this many bytes (op `write` only). */
  shortWrite?: number;
  /** Whether the inner call still runs before the failure is reported (see the interface doc). */
  applied?: boolean;
  /** The failed sync drops the file's unsynced data, as Linux may (ops `sync`, `datasync` only). */
  loseUnsynced?: boolean;
}

/** A list of rules, tried in order: the first rule that fires on a call decides its fate. */
export type FaultPlan = readonly FaultRule[];

/** A record of one fault that fired. */
export interface FiredFault {
  /** The rule that fired (the object given in the plan). */
  readonly rule: FaultRule;
  /** Its index in the plan that was current when it fired. */
  readonly ruleIndex: number;
  readonly op: FaultOp;
  /** The call's path (`from` of a rename or link). */
  readonly path: string;
  /** The second path of a rename or link. */
  readonly to?: string;
  /** Which matching call of the rule this was (1-based). */
  readonly match: number;
  /** The errno reported, if the call failed. */
  readonly error?: FaultErrorCode;
  /** The bytes written, for a short write. */
  readonly shortWrite?: number;
  /** Whether the inner call ran. */
  readonly applied: boolean;
  /** The failed sync dropped the file's unsynced data. */
  readonly loseUnsynced?: boolean;
}

/** Ops whose faulted calls still run on the inner backend unless a rule says otherwise. */
export const APPLIED_BY_DEFAULT: ReadonlySet<FaultOp> = new Set<FaultOp>([
  "sync",
  "datasync",
  "syncDir",
  "close",
]);
