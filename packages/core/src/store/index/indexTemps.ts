import type { StorageBackend } from "../../backend/storageBackend.js";
import { isTempName } from "../../durable/index.js";
import { readdirOrEmpty } from "../shared/files.js";
import { INDEX_FILE } from "../shared/layout.js";

/** The Python module's fixed temp name of its index rewrite. */
const PYTHON_INDEX_TEMP = "index.tmp";

/** Whether root entry `name` is a temp file of an index rewrite (ours `index.jsonl.tmp-<hex>`, or Python's). */
export function isIndexTempName(name: string): boolean {
  return isTempName(name) && (name.startsWith(`${INDEX_FILE}.`) || name === PYTHON_INDEX_TEMP);
}

/**
 * Removes the temp files of index rewrites from the root. Only under the index lock (`held` is
 * the view that checks it): then no rewrite is in flight and every such file is a leftover of an
 * interrupted one, never the live index. Not durable by itself: the caller syncs the root.
 *
 * @returns the paths removed
 * @throws LivingReportsError a storage error listing the root or removing a file
 */
export async function removeIndexTemps(held: StorageBackend): Promise<string[]> {
  const temps = (await readdirOrEmpty(held, "")).filter(isIndexTempName);
  for (const name of temps) await held.unlink(name);
  return temps;
}
