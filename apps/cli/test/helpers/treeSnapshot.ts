import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

/** Every file (content, hex) and directory (`<dir>`) under `root`, by relative path, with mtimes. */
export function treeSnapshot(root: string, dir = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of readdirSync(join(root, dir)).sort()) {
    const rel = dir === "" ? name : `${dir}/${name}`;
    const stat = statSync(join(root, rel));
    if (stat.isDirectory()) {
      out.set(rel, `<dir> ${stat.mtimeMs}`);
      for (const [k, v] of treeSnapshot(root, rel)) out.set(k, v);
    } else {
      out.set(rel, `${stat.mtimeMs} ${readFileSync(join(root, rel)).toString("hex")}`);
    }
  }
  return out;
}
