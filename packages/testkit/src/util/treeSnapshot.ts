import { ErrorCode, isLivingReportsError, joinPath, type StorageBackend } from "@living-reports/core";

/** One path of a tree: a file's bytes, or the kind of anything else (symlinks are not followed). */
export type TreeNode = Uint8Array | "dir" | "symlink" | "other";

/** Every path under a root (root-relative, sorted) and what it holds. */
export type TreeSnapshot = Map<string, TreeNode>;

/**
 * Reads every file and directory under `dir` (default: the whole root) through `backend`, with
 * only `readdir`, `stat` and `readFile`, so taking a snapshot changes nothing. Two snapshots are
 * equal (`expect(after).toEqual(before)`, or {@link diffTrees} for a readable difference) exactly
 * when the trees hold the same names, kinds and bytes; mtimes are left out. Paths for which `skip`
 * is true are neither read nor descended into (e.g. lock files, which a live writer may remove
 * at any moment: a lease released while the snapshot is taken must not fail it).
 *
 * A path removed between the listing of its parent and its own read (a live writer releasing a
 * lock) is left out, as if the snapshot had been taken a moment later.
 *
 * @throws LivingReportsError from the backend (`dir` missing, I/O errors)
 */
export async function snapshotTree(
  backend: StorageBackend,
  dir = "",
  skip: (path: string) => boolean = () => false,
): Promise<TreeSnapshot> {
  const out: TreeSnapshot = new Map();
  const pending = [dir];
  while (pending.length > 0) {
    const current = pending.pop()!;
    const names = await goneAsUndefined(backend.readdir(current), current !== dir);
    for (const name of names ?? []) {
      const path = joinPath(current, name);
      if (skip(path)) continue;
      const stat = await goneAsUndefined(backend.stat(path), true);
      if (stat === undefined) continue;
      if (stat.kind === "file") {
        const data = await goneAsUndefined(backend.readFile(path), true);
        if (data !== undefined) out.set(path, data);
      } else if (stat.kind === "directory") {
        out.set(path, "dir");
        pending.push(path);
      } else out.set(path, stat.kind);
    }
  }
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * `read`'s result, or `undefined` when `mayVanish` and the path was removed after its parent was
 * listed (a live writer releasing a lock, say): the snapshot then shows the tree without it, as
 * it was a moment later. The listed root itself must exist.
 */
async function goneAsUndefined<T>(read: Promise<T>, mayVanish: boolean): Promise<T | undefined> {
  try {
    return await read;
  } catch (err) {
    if (mayVanish && isLivingReportsError(err, ErrorCode.NOT_FOUND)) return undefined;
    throw err;
  }
}

/**
 * What changed between two snapshots, one line per path, sorted: `+ path` (added), `- path`
 * (removed), `~ path` (changed bytes or kind). Empty when the trees are identical.
 */
export function diffTrees(before: TreeSnapshot, after: TreeSnapshot): string[] {
  const lines: string[] = [];
  for (const [path, node] of before) {
    const now = after.get(path);
    if (now === undefined) lines.push(`- ${path}`);
    else if (!sameNode(node, now)) lines.push(`~ ${path}`);
  }
  for (const path of after.keys()) if (!before.has(path)) lines.push(`+ ${path}`);
  return lines.sort((a, b) => (a.slice(2) < b.slice(2) ? -1 : a.slice(2) > b.slice(2) ? 1 : 0));
}

function sameNode(a: TreeNode, b: TreeNode): boolean {
  if (typeof a === "string" || typeof b === "string") return a === b;
  return a.length === b.length && Buffer.compare(a, b) === 0;
}
