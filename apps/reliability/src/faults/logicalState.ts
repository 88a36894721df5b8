import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as nodePath from "node:path";

/**
 * What a user of the store sees, read with plain `fs` and JSON.parse (no library code, no
 * recovery): per report whose `outline.json` is a regular file, its version, title and tags, and
 * the number of trash entries. Equal before and after a command exactly when it changed nothing
 * a user can see; a report folder without an outline (a leftover) is not a report. Where the
 * audit log's last committed record carries its outline (format 2, docs/FORMAT.md) and
 * `outline.json` does not hash to it (a commit whose files are not written yet, after a failure
 * past its commit point), that outline is what the store holds.
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
      const bytes = fs.readFileSync(file);
      const logged = loggedOutline(nodePath.join(byId, id, "audit.jsonl"));
      const text =
        logged !== undefined && createHash("sha256").update(bytes).digest("hex") !== logged.sha
          ? JSON.stringify(logged.outline)
          : bytes.toString("utf8");
      const o = JSON.parse(text) as {
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

/** The newest complete audit line's `outline_sha256` and `outline`, when it carries both. */
function loggedOutline(path: string): { sha: string; outline: unknown } | undefined {
  let text: string;
  try {
    text = fs.readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
  const lines = text.split("\n").slice(0, -1);
  for (let i = lines.length - 1; i >= 0; i--) {
    let record: { outline_sha256?: unknown; outline?: unknown };
    try {
      record = JSON.parse(lines[i] ?? "") as typeof record;
    } catch {
      return undefined;
    }
    if (typeof record.outline_sha256 !== "string") continue;
    return record.outline === undefined ? undefined : { sha: record.outline_sha256, outline: record.outline };
  }
  return undefined;
}

function listDir(dir: string): string[] {
  try {
    return fs.readdirSync(dir).sort();
  } catch {
    return [];
  }
}
