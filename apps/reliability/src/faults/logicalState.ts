import * as fs from "node:fs";
import * as nodePath from "node:path";

/**
 * What a user of the store sees, read with plain `fs` and JSON.parse (no library code, no
 * recovery): per report whose `outline.json` is a regular file, its version, title and tags, and
 * the number of trash entries. Equal before and after a command exactly when it changed nothing
 * a user can see; a report folder without an outline (a leftover) is not a report.
 */
export function logicalState(root: string): string {
  const reports: Record<string, unknown> = {};
  const byId = nodePath.join(root, "by_id");
  for (const id of listDir(byId)) {
    const file = nodePath.join(byId, id, "outline.json");
    let st: fs.Stats;
    try {
      st = fs.lstatSync(file);
    } catch {
      continue;
    }
    if (!st.isFile()) {
      reports[id] = "not a regular file";
      continue;
    }
    try {
      const o = JSON.parse(fs.readFileSync(file, "utf8")) as {
        outline_version?: unknown;
        title?: unknown;
        metadata?: { tags?: unknown };
      };
      reports[id] = { v: o.outline_version, title: o.title, tags: o.metadata?.tags };
    } catch (err) {
      reports[id] = `unreadable: ${(err as Error).message}`;
    }
  }
  return JSON.stringify({ reports, trash: listDir(nodePath.join(root, ".trash")).length });
}

function listDir(dir: string): string[] {
  try {
    return fs.readdirSync(dir).sort();
  } catch {
    return [];
  }
}
