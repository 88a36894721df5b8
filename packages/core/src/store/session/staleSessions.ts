import type { StorageBackend } from "../../backend/storageBackend.js";
import { ErrorCode } from "../../errors/errorCodes.js";
import { isLivingReportsError } from "../../errors/livingReportsError.js";
import { isStale } from "../../lock/lockPrimitive.js";
import { readdirOrEmpty } from "../shared/files.js";
import { SESSIONS } from "../shared/layout.js";
import { isLiveSession } from "./writerSession.js";

/**
 * Whether a writer crashed and no open has recovered the store since: a session lock in
 * `.sessions/` that no store of this process holds and that is stale at `now` (the lock clock's
 * time). Files written after their commit point may then be behind the log, or torn
 * (docs/DESIGN.md#reading-after-a-crash). One listing and one look per foreign session lock;
 * never writes. Within the stale time after a crash, the session still looks live.
 */
export async function staleSessionSeen(
  backend: StorageBackend,
  now: number,
  staleMs: number,
): Promise<boolean> {
  const names = await readdirOrEmpty(backend, SESSIONS);
  if (names.length === 0) return false;
  for (const name of names) {
    const path = `${SESSIONS}/${name}`;
    if (!name.endsWith(".lock") || isLiveSession(backend, path)) continue;
    // By the lock's mtime, as verify judges stale locks (checkLeftovers): reads take no lock.
    const stat = await backend.stat(path).catch((err: unknown) => {
      if (isLivingReportsError(err, ErrorCode.NOT_FOUND)) return undefined;
      throw err;
    });
    if (stat !== undefined && isStale(stat.mtimeMs, now, staleMs)) return true;
  }
  return false;
}
