import type { StorageBackend } from "../../backend/storageBackend.js";
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
  const primitive = backend.lockPrimitive(backend);
  for (const name of names) {
    const path = `${SESSIONS}/${name}`;
    if (!name.endsWith(".lock") || isLiveSession(backend, path)) continue;
    const state = await primitive.inspect(path);
    if (state !== undefined && isStale(state.mtimeMs, now, staleMs)) return true;
  }
  return false;
}
