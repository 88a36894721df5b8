import type { StorageBackend } from "@living-reports/core";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Bytes of a string. */
export function bytes(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Writes a whole file through the backend (mode `w`), fsyncing it when `sync`. */
export async function put(backend: StorageBackend, path: string, text: string, sync = false): Promise<void> {
  const handle = await backend.open(path, "w");
  await handle.write(bytes(text), 0);
  if (sync) await handle.sync();
  await handle.close();
}

/** Reads a whole file as UTF-8. */
export async function get(backend: StorageBackend, path: string): Promise<string> {
  return decoder.decode(await backend.readFile(path));
}

/** Opens an existing file `r+`, runs `fn` on the handle, then closes it. */
export async function edit(
  backend: StorageBackend,
  path: string,
  fn: (handle: Awaited<ReturnType<StorageBackend["open"]>>) => Promise<unknown>,
): Promise<void> {
  const handle = await backend.open(path, "r+");
  try {
    await fn(handle);
  } finally {
    await handle.close();
  }
}
