import { MAX_RETRY_MS } from "./acquireOnDisk.js";
import type { Clock } from "./clock.js";

/**
 * Cross-process fairness of the in-process hand-off (docs/LOCKS.md, "Fairness").
 *
 * Handing a held lock to the next waiter of this process is what makes in-process hand-off fast,
 * but a waiter in another process only ever sees the lock directory, which never disappears while
 * this process has waiters: it would be overtaken without bound. Such a waiter announces itself
 * with a waiting marker (waitingMarker.ts). A tenure (the in-memory hand-offs since the lock was
 * made on disk, or since the marker was last looked for) is bounded: once it has been handed over
 * {@link MAX_HANDOFFS} times, or has lasted {@link TENURE_BUDGET_MS} by the clock, the next
 * release that has a local waiter looks for a fresh marker. Found, the release goes through the
 * disk and this process's next waiter first stays away for {@link YIELD_MS}, longer than any
 * waiter's pause between two tries, so that the waiter elsewhere tries at least once while the
 * lock is free. Not found, a new tenure starts and the hand-off stays in memory.
 */

/** In-memory hand-offs of one tenure before a release looks for a waiter elsewhere. */
export const MAX_HANDOFFS = 3;

/** Clock time one tenure may last before a release looks for a waiter elsewhere. */
export const TENURE_BUDGET_MS = 100;

/** How long this process's next waiter stays away after a fairness release (wall time). */
export const YIELD_MS = MAX_RETRY_MS + 5;

/** The turn given to this process's next waiter after a fairness release: yield, then try the disk. */
export const YIELD_TURN = "yield";

/** One tenure as {@link tenureUsedUp} judges it. */
export interface Tenure {
  /** In-memory hand-offs since the tenure began. */
  readonly handoffs: number;
  /** Clock time the tenure began. */
  readonly since: number;
}

/** True when the tenure is used up: the next release must look for a waiter elsewhere. Never throws. */
export function tenureUsedUp(tenure: Tenure, now: number): boolean {
  return tenure.handoffs >= MAX_HANDOFFS || now - tenure.since >= TENURE_BUDGET_MS;
}

/**
 * Stays away from the lock for {@link YIELD_MS} of wall time (other processes poll in wall time),
 * cut short so as not to run past `deadline` by `clock`.
 */
export function yieldToOthers(clock: Clock, deadline: number): Promise<void> {
  const ms = Math.max(0, Math.min(YIELD_MS, deadline - clock.now()));
  return new Promise((resolve) => setTimeout(resolve, ms));
}
