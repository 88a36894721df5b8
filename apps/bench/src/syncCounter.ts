import type * as NodeFs from "node:fs";
import { createRequire, syncBuiltinESMExports } from "node:module";

/** The CommonJS `fs` object: the one every form of import reads its functions from. */
const fs = createRequire(import.meta.url)("node:fs") as typeof NodeFs;

let count = 0;
let installed = false;

/**
 * Counts every fsync and fdatasync this process asks of `node:fs` (callback, sync and promise
 * forms), by wrapping them before any trial module loads. The count costs an increment per call,
 * so it runs during the timed rounds; `--strace` cross-checks it at the syscall level.
 * Idempotent.
 */
export async function installSyncCounter(): Promise<void> {
  if (installed) return;
  installed = true;
  const mutable = fs as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const name of ["fsync", "fsyncSync", "fdatasync", "fdatasyncSync"]) {
    const original = mutable[name];
    if (original === undefined) continue;
    mutable[name] = function counted(this: unknown, ...args: unknown[]) {
      count++;
      return original.apply(this, args);
    };
  }
  // ESM namespaces of builtins (`import * as fs`) see the wrapped functions only after this.
  syncBuiltinESMExports();
  const probe = await fs.promises.open(process.execPath, "r");
  const proto = Object.getPrototypeOf(probe) as Record<string, (...args: unknown[]) => Promise<unknown>>;
  await probe.close();
  for (const name of ["sync", "datasync"]) {
    const original = proto[name];
    if (original === undefined) continue;
    proto[name] = function counted(this: unknown, ...args: unknown[]) {
      count++;
      return original.apply(this, args);
    };
  }
}

/** fsync + fdatasync calls made so far through `node:fs` (0 until installed). */
export function syncCount(): number {
  return count;
}
