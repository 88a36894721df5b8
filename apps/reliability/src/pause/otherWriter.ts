import { ErrorCode, isLivingReportsError, type LockOptions, openReports } from "@living-reports/core";
import { nodeFsBackend } from "@living-reports/node-fs";

/** How the other writer's update went. */
export type OtherOutcome = { ok: true; version: number; attempts: number } | { ok: false; error: string };

/**
 * The other writer of a pause case, in this process with its own store: opens the store (a
 * writing open, which recovers the paused writer's session once it is stale), reads the report
 * and writes it back with `metadata.other_writer = marker` and the version it read, as an agent
 * would; a VERSION_CONFLICT (the paused writer's commit landed between the read and the lock) is
 * retried from a fresh read, up to 3 times. Bounded by `timeoutMs`: a call still pending then is
 * reported as a hang (it is left to settle on its own, its store unclosed).
 */
export async function runOtherWriter(
  root: string,
  id: string,
  lock: LockOptions,
  marker: string,
  timeoutMs: number,
): Promise<OtherOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<OtherOutcome>((resolve) => {
    timer = setTimeout(
      () => resolve({ ok: false, error: `still pending ${timeoutMs} ms after it started (hang)` }),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([write(root, id, lock, marker), hang]);
  } finally {
    clearTimeout(timer);
  }
}

async function write(root: string, id: string, lock: LockOptions, marker: string): Promise<OtherOutcome> {
  try {
    const store = await openReports(nodeFsBackend({ root }), { lock, actor: "agent" });
    try {
      for (let attempt = 1; ; attempt++) {
        const outline = await store.get(id);
        const next = { ...outline, metadata: { ...outline.metadata, other_writer: marker } };
        try {
          const done = await store.update(next, {
            expectedVersion: outline.outline_version,
            requestId: marker,
          });
          return { ok: true, version: done.outline_version, attempts: attempt };
        } catch (err) {
          if (attempt >= 3 || !isLivingReportsError(err, ErrorCode.VERSION_CONFLICT)) throw err;
        }
      }
    } finally {
      await store.close();
    }
  } catch (err) {
    return { ok: false, error: isLivingReportsError(err) ? `${err.code}: ${err.message}` : String(err) };
  }
}
