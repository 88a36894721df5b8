import {
  ErrorCode,
  isLivingReportsError,
  LivingReportsError,
  type StorageBackend,
} from "@living-reports/core";

/** What a long-running job saves so that it can resume where it stopped. */
export interface Checkpoint {
  job: string;
  step: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Saves `checkpoint` at `path` so that, once this resolves, it survives a power loss, and so that
 * a crash at any instant leaves either the previous checkpoint or this one, never a torn file.
 *
 * Written against the `StorageBackend` interface: production passes a node-fs backend, the tests
 * a memfs disk that can lose power, or a fault-injecting wrapper of it.
 *
 * @throws LivingReportsError from the backend (NO_SPACE, FSYNC_FAILED, ...); the previous
 *   checkpoint is then still in place
 */
export async function saveCheckpoint(
  backend: StorageBackend,
  path: string,
  checkpoint: Checkpoint,
): Promise<void> {
  const temp = `${path}.tmp`;
  // A temp file left by a crashed save is garbage: never rename it into place.
  await backend.unlink(temp).catch((err: unknown) => {
    if (!isLivingReportsError(err, ErrorCode.NOT_FOUND)) throw err;
  });
  const handle = await backend.open(temp, "wx");
  try {
    await handle.write(encoder.encode(JSON.stringify(checkpoint)), 0);
    await handle.sync(); // the bytes are durable before the name points at them
  } finally {
    await handle.close();
  }
  await backend.rename(temp, path);
  const slash = path.lastIndexOf("/");
  await backend.syncDir(slash === -1 ? "" : path.slice(0, slash)); // the rename is durable
}

/**
 * Reads the checkpoint at `path`, or `undefined` when there is none yet.
 *
 * @throws LivingReportsError CORRUPT_FILE when the file is not a checkpoint (a torn write would be)
 */
export async function loadCheckpoint(backend: StorageBackend, path: string): Promise<Checkpoint | undefined> {
  let bytes: Uint8Array;
  try {
    bytes = await backend.readFile(path);
  } catch (err) {
    if (isLivingReportsError(err, ErrorCode.NOT_FOUND)) return undefined;
    throw err;
  }
  try {
    return JSON.parse(decoder.decode(bytes)) as Checkpoint;
  } catch (cause) {
    throw new LivingReportsError(ErrorCode.CORRUPT_FILE, "checkpoint is not valid JSON", { path, cause });
  }
}
