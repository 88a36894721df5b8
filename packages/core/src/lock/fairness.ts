import { MAX_RETRY_MS } from "./acquireOnDisk.js";
import type { Clock } from "./clock.js";

/**
 * Cross-process fairness of the in-process hand-off (docs/LOCKS.md, "Fairness").
 *
 * Handing a held lock to the next waiter of this process is what makes in-process hand-off fast,
 * but a waiter in another process only ever sees the lock directory, which never disappears while
 * this process has waiters: it would be overtaken without bound. So a disk tenure (one `mkdir`
 * of the lock and the in-memory hand-offs that follow) is bounded: once it has been handed over
 * {@link MAX_HANDOFFS} times, or has lasted {@link TENURE_BUDGET_MS} by the clock, the next
 * release goes through the disk, and this process's next waiter first stays away for
 * {@link YIELD_MS}, longer than any waiter's pause between two tries, so that a waiter elsewhere
 * tries at least once while the lock is free.
 */

/** In-memory hand-offs of one disk tenure before the lock is released through the disk. */
export const MAX_HANDOFFS = 3;

/** Clock time one disk tenure may last before its next release goes through the disk. */
export const TENURE_BUDGET_MS = 100;

/** How long this process's next waiter stays away after a fairness release (wall time). */
export const YIELD_MS = MAX_RETRY_MS + 5;

/** The turn given to this process's next waiter after a fairness release: yield, then try the disk. */
export const YIELD_TURN = "yield";

/** One disk tenure as {@link mustYield} judges it. */
export interface Tenure {
  /** In-memory hand-offs since the lock was made on disk. */
  readonly handoffs: number;
  /** Clock time the lock was made on disk. */
  readonly heldSince: number;
}

/** True when the tenure is used up: the lock must go back through the disk. Never throws. */
export function mustYield(tenure: Tenure, now: number): boolean {
  return tenure.handoffs >= MAX_HANDOFFS || now - tenure.heldSince >= TENURE_BUDGET_MS;
}

/**
 * Stays away from the lock for {@link YIELD_MS} of wall time (other processes poll in wall time),
 * cut short so as not to run past `deadline` by `clock`.
 */
export function yieldToOthers(clock: Clock, deadline: number): Promise<void> {
  const ms = Math.max(0, Math.min(YIELD_MS, deadline - clock.now()));
  return new Promise((resolve) => setTimeout(resolve, ms));
}
