import * as fs from "node:fs";
import * as os from "node:os";
import * as nodePath from "node:path";
import { seedStore } from "./faultCase.js";

/**
 * A fresh store with one report on the ordinary temp dir (not a tmpfs: the cases that use it need
 * no full disk), removed after `fn`, whatever `fn` does.
 */
export async function withStoreDir<T>(fn: (root: string, id: string) => Promise<T>): Promise<T> {
  const base = fs.mkdtempSync(nodePath.join(os.tmpdir(), "lr-layout-"));
  try {
    const root = nodePath.join(base, "store");
    return await fn(root, await seedStore(root));
  } finally {
    fs.rmSync(base, { recursive: true, force: true });
  }
}
