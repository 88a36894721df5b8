import { joinPath, type StorageBackend } from "@living-reports/core";

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
 * @throws LivingReportsError from the backend (a path that vanishes while it is read, I/O errors)
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
    for (const name of await backend.readdir(current)) {
      const path = joinPath(current, name);
      if (skip(path)) continue;
      const { kind } = await backend.stat(path);
      if (kind === "file") out.set(path, await backend.readFile(path));
      else if (kind === "directory") {
        out.set(path, "dir");
        pending.push(path);
      } else out.set(path, kind);
    }
  }
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
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
