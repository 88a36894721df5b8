import type { StorageBackend } from "@living-reports/core";
import { fromSystemError } from "@living-reports/core";

const encoder = new TextEncoder();

/**
 * The Python module's audit append (`append_audit_event`, docs/DESIGN.md#the-python-modules-weaknesses-fixed (item 1)), kept as a mutant: the
 * line goes to `<log>.tmp` (opened for append, fsynced), then the temp file's whole content is
 * appended onto the log (fsynced), then the temp file is unlinked and the directory synced; a
 * missing log is replaced by the temp file instead. A crash mid-append leaves a torn line that
 * the next append glues its record onto, or a temp file whose old line the next append copies
 * again.
 *
 * @throws LivingReportsError mapped from the failing call
 */
export async function pythonAppend(backend: StorageBackend, path: string, line: string): Promise<void> {
  const temp = path.replace(/\.jsonl$/, ".tmp");
  const dir = path.slice(0, path.lastIndexOf("/"));
  try {
    const tmp = await backend.open(temp, "a");
    await tmp.write(encoder.encode(line));
    await tmp.sync();
    await tmp.close();
    if (await exists(backend, path)) {
      const data = await backend.readFile(temp);
      const dst = await backend.open(path, "a");
      await dst.write(data);
      await dst.sync();
      await dst.close();
      await backend.unlink(temp);
    } else {
      await backend.rename(temp, path);
    }
    await backend.syncDir(dir);
  } catch (err) {
    throw fromSystemError(err, path, "append");
  }
}

async function exists(backend: StorageBackend, path: string): Promise<boolean> {
  try {
    await backend.stat(path);
    return true;
  } catch (err) {
    if (fromSystemError(err, path, "stat").code === "NOT_FOUND") return false;
    throw err;
  }
}
