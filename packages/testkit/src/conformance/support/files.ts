import { dirname, type StorageBackend } from "@living-reports/core";
import { utf8 } from "./bytes.js";

/**
 * Creates or replaces `path` with `content` (open `w`, write at 0, close). With `durable`, also
 * syncs the file and its parent directory, so the file and its content survive any crash.
 */
export async function writeFile(
  backend: StorageBackend,
  path: string,
  content: string | Uint8Array,
  options: { durable?: boolean } = {},
): Promise<void> {
  const handle = await backend.open(path, "w");
  try {
    await handle.write(typeof content === "string" ? utf8(content) : content, 0);
    if (options.durable === true) await handle.sync();
  } finally {
    await handle.close();
  }
  if (options.durable === true) await backend.syncDir(dirname(path));
}

/** Creates directory `path` and, for a durable one, syncs its parent. */
export async function makeDir(
  backend: StorageBackend,
  path: string,
  options: { durable?: boolean } = {},
): Promise<void> {
  await backend.mkdir(path);
  if (options.durable === true) await backend.syncDir(dirname(path));
}
