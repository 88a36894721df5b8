import type { Clock, StorageBackend } from "@living-reports/core";
import type { CrashableDisk } from "./crashableDisk.js";

/**
 * One acknowledged-or-not operation of a workload, as the checker sees it. Crash points are
 * numbered from 0 (the state after setup, all durable); point k is the disk right after the
 * k-th state-changing backend call.
 */
export interface StepRecord {
  /** Position among the workload's steps, in the order they started. */
  readonly index: number;
  readonly label: string;
  /** The first crash point that may hold any of its effects. */
  readonly start: number;
  /**
   * The crash point at which it resolved (its last change): from there on it is acknowledged
   * and everything it promised must survive. `Infinity` if it never resolved.
   */
  readonly end: number;
  /** What the workload recorded as its effect (its `describe` of the result), for the checker. */
  readonly effect: unknown;
  /** The error code or message when the step failed (a failed step promises nothing). */
  readonly error?: string;
}

/** What a workload gets to work with while it is recorded. */
export interface WorkloadContext {
  /** A backend over the recorded disk; every call through it is a potential crash point. */
  readonly backend: StorageBackend;
  /** Another recorded backend over the same disk: a second "process". */
  another(): StorageBackend;
  /** The clock the disk's locks run on. */
  readonly clock: Clock;
  /** A seeded PRNG: vary the workload with it, never with Math.random, so runs replay. */
  readonly rand: () => number;
  /**
   * Runs one operation and records when it started and when it was acknowledged. `describe`
   * turns its result into the effect the checker is given (default: the result itself).
   * Errors are recorded and rethrown.
   */
  step<T>(label: string, run: () => Promise<T>, describe?: (result: T) => unknown): Promise<T>;
}

/** What setup gets: a plain backend; everything it leaves is made durable before recording. */
export interface SetupContext {
  readonly backend: StorageBackend;
  readonly clock: Clock;
  readonly rand: () => number;
}

/**
 * A workload: the code whose crashes are explored. `setup` builds the starting state (made
 * fully durable, never crashed); `run` is recorded, and every state-changing backend call it
 * makes is a crash point.
 */
export interface Workload {
  readonly name: string;
  readonly description?: string;
  setup?(ctx: SetupContext): Promise<void>;
  run(ctx: WorkloadContext): Promise<void>;
}

/** What a checker is given for one crash state. */
export interface CrashCheckContext {
  /** A backend over the crashed state (fresh: no writer has touched it since the crash). */
  readonly backend: StorageBackend;
  /** The clock that backend's locks run on, already past every lock's stale time. */
  readonly clock: Clock;
  /** The crash point. */
  readonly point: number;
  /** Steps acknowledged before the crash, in start order. */
  readonly acked: readonly StepRecord[];
  /** Steps started and not yet acknowledged at the crash. */
  readonly inFlight: readonly StepRecord[];
  /** The crashed disk itself (memfs), for checkers that look at raw files. */
  readonly disk: CrashableDisk;
}

/**
 * Checks one crash state: returns the violations found (empty when the state is fine). A
 * checker that throws is a violation too (its message is reported).
 */
export type CrashChecker = (ctx: CrashCheckContext) => Promise<readonly string[]>;
