import { joinPath, type StorageBackend } from "@living-reports/core";

/** Lock files and session markers belong to the running processes of a store, not to its data. */
function isRuntimeEntry(name: string): boolean {
  return name.endsWith(".lock") || name === ".sessions";
}

/**
 * Copies a store's data (every file and directory except locks and session markers) from one
 * backend to another, durably: each file is synced and each directory synced after its entries,
 * so the copy survives a crash of the target (memfs) just like the source.
 *
 * @throws LivingReportsError from either backend (e.g. ALREADY_EXISTS if the target is not empty)
 */
export async function copyStore(from: StorageBackend, to: StorageBackend, dir = ""): Promise<number> {
  let files = 0;
  for (const name of await from.readdir(dir)) {
    if (isRuntimeEntry(name)) continue;
    const path = joinPath(dir, name);
    const stat = await from.stat(path);
    if (stat.kind === "directory") {
      await to.mkdir(path);
      files += await copyStore(from, to, path);
    } else if (stat.kind === "file") {
      const handle = await to.open(path, "wx");
      try {
        await handle.write(await from.readFile(path), 0);
        await handle.sync();
      } finally {
        await handle.close();
      }
      files += 1;
    }
  }
  await to.syncDir(dir);
  return files;
}
