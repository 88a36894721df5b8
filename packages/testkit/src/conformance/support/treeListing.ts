import type { StorageBackend } from "@living-reports/core";
import { snapshotTree } from "../../util/treeSnapshot.js";

/**
 * Everything under `dir` (default: the root) as `path -> description`: `dir` for a directory,
 * `file <size> <base64 content>` for a file, the kind otherwise. Two listings are equal exactly when
 * the trees hold the same names, kinds and bytes (mtimes are left out); unlike a {@link snapshotTree}
 * snapshot, a listing prints readably in an assertion diff.
 *
 * @throws LivingReportsError from the backend (see snapshotTree)
 */
export async function treeListing(
  backend: StorageBackend,
  dir = "",
  skip?: (path: string) => boolean,
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [path, node] of await snapshotTree(backend, dir, skip)) {
    out[path] =
      typeof node === "string" ? node : `file ${node.length} ${Buffer.from(node).toString("base64")}`;
  }
  return out;
}
