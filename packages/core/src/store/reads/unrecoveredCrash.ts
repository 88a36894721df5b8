import { DEFAULT_LOCK_OPTIONS } from "../../lock/lockManager.js";
import { staleSessionSeen } from "../session/staleSessions.js";
import type { StoreContext } from "../shared/context.js";

/** Whether a crash left the store unrecovered (see staleSessionSeen), judged by this store's lock clock. */
export async function unrecoveredCrash(ctx: StoreContext): Promise<boolean> {
  const staleMs = ctx.options.lock.staleMs ?? DEFAULT_LOCK_OPTIONS.staleMs;
  return await staleSessionSeen(ctx.backend, ctx.locks.clock.now(), staleMs);
}
