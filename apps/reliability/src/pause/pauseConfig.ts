import type { LockOptions } from "@living-reports/core";

/** Where the paused writer stops: right before its `pauseAt`-th counted call, or right after it. */
export type PauseWhen = "before" | "after";

/** The configuration the paused writer (`workers/pauser.mjs`) receives as its JSON argument. */
export interface PauserConfig {
  /** The store's root. */
  root: string;
  /** The report it updates. */
  id: string;
  /** Its short lock times (the stale time the parent waits past). */
  lock: LockOptions;
  /** The counted mutating call to stop at (1-based); 0 for the dry run, which never stops. */
  pauseAt: number;
  when: PauseWhen;
  /** Request id of its update (found on its audit event, if it commits). */
  requestId: string;
  /** Value of `metadata.paused_writer` in the outline it writes: its change, as readers see it. */
  marker: string;
  /** File of its counted calls (one JSON line each, written before the call) and its stop. */
  steps: string;
  /** File of its outcome. */
  result: string;
}

/** One counted mutating call of the update, as the paused writer logged it. */
export interface PauseStep {
  k: number;
  /** `write`, `sync`, `datasync`, `truncate`, `open w`, `syncDir`, `rename`, `link`, ... */
  op: string;
  /** The root-relative path (`from -> to` for rename and link). */
  path: string;
}

/** What the paused writer wrote to its result file. */
export type PauserResult =
  | { outcome: "resolved"; version: number; close?: string }
  | { outcome: "rejected"; code: string; message: string; close?: string };
