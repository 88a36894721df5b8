import type { StorageBackend } from "../../backend/storageBackend.js";
import { ErrorCode } from "../../errors/errorCodes.js";
import { isLivingReportsError } from "../../errors/livingReportsError.js";
import type { LockHandle, LockManager, LockOptions } from "../../lock/lockManager.js";
import { pathExists, readdirOrEmpty } from "../shared/files.js";
import { SESSIONS } from "../shared/layout.js";
import { isLiveSession } from "./writerSession.js";

const SESSION_LOCK_NAME = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.lock$/;

/** A crashed writer's session: its lock, when we hold it now (else it was reclaimed away). */
export interface CrashedSession {
  path: string;
  handle: LockHandle | undefined;
}

/**
 * Finds the session locks of writers that crashed: every `.sessions/<uuid>.lock` not held by an
 * open store of this process that the lock manager lets us take at once (it was stale, so it is
 * reclaimed, or it is not held at all). A live writer's fresh session lock is left alone: its
 * acquisition times out immediately. (A stale lock reclaimed at the timeout is gone afterwards:
 * that writer crashed too.)
 *
 * @returns the crashed sessions; the caller recovers the store, then releases their handles
 */
export async function claimCrashedSessions(
  backend: StorageBackend,
  locks: LockManager,
  lockOptions: LockOptions,
): Promise<CrashedSession[]> {
  const names = await readdirOrEmpty(backend, SESSIONS);
  const crashed: CrashedSession[] = [];
  for (const name of names.filter((n) => SESSION_LOCK_NAME.test(n))) {
    const path = `${SESSIONS}/${name}`;
    if (isLiveSession(backend, path)) continue;
    try {
      crashed.push({ path, handle: await locks.acquire(path, { ...lockOptions, timeoutMs: 0 }) });
    } catch (err) {
      if (!isLivingReportsError(err, ErrorCode.LOCK_TIMEOUT)) throw err;
      if (!(await pathExists(backend, path))) crashed.push({ path, handle: undefined });
    }
  }
  return crashed;
}
