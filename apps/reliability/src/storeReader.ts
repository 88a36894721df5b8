import * as fs from "node:fs";
import * as nodePath from "node:path";
import { type ReadEvent, readAuditLog, sha256Hex } from "./auditReader.js";

/** The fields of an outline the checks look at (parsed with JSON.parse only, no schema library). */
export interface ReadOutline {
  report_id: string;
  title: string;
  updated_at: string;
  outline_version: number;
  sections: { section_id: string; title: string }[];
  metadata: Record<string, unknown> & { tags?: unknown };
}

/** One report folder as found on disk. */
export interface ReadReport {
  id: string;
  /** The outline, when `outline.json` exists and parses. */
  outline?: ReadOutline;
  outlineSha256?: string;
  /** Why the outline did not load, when it exists but does not. */
  outlineError?: string;
  events: ReadEvent[];
  tornTailBytes: number;
  auditProblems: string[];
  backups: string[];
  /** Names in the folder that are temp files of an atomic replace. */
  temps: string[];
}

/** A plain IndexEntry as read from `index.jsonl` (last line per report wins). */
export interface ReadIndexEntry {
  report_id: string;
  current_title: string;
  updated_at: string;
  tags: string[];
  status: string;
  path: string;
}

/** A whole store as an independent reader sees it. */
export interface ReadStore {
  reports: Map<string, ReadReport>;
  index: Map<string, ReadIndexEntry>;
  indexProblems: string[];
  /** Lock directories or files left at the root or in report folders (`*.lock`, `*.reclaim`). */
  locks: string[];
}

const TEMP = /\.tmp-[0-9a-f]{16}$|^(outline|audit|index)\.tmp$/;
const LOCK = /\.lock(\.reclaim)*$/;

/**
 * Reads the store at `root` without the library: `JSON.parse` for outlines and index lines, the
 * audit line format of docs/FORMAT.md for logs (see {@link readAuditLog}), plain `node:fs` for
 * everything (no symlink is followed: the runs create none). Changes nothing.
 */
export function readStore(root: string): ReadStore {
  const byId = nodePath.join(root, "by_id");
  const reports = new Map<string, ReadReport>();
  const locks = fs.readdirSync(root).filter((n) => LOCK.test(n));
  for (const id of fs.existsSync(byId) ? fs.readdirSync(byId) : []) {
    const report = readReport(nodePath.join(byId, id), id);
    reports.set(id, report);
    for (const name of fs.readdirSync(nodePath.join(byId, id))) {
      if (LOCK.test(name)) locks.push(`by_id/${id}/${name}`);
    }
  }
  const { index, problems } = readIndex(nodePath.join(root, "index.jsonl"));
  return { reports, index, indexProblems: problems, locks };
}

function readReport(dir: string, id: string): ReadReport {
  const names = fs.readdirSync(dir);
  const report: ReadReport = {
    id,
    events: [],
    tornTailBytes: 0,
    auditProblems: [],
    backups: names.includes("backups") ? fs.readdirSync(nodePath.join(dir, "backups")) : [],
    temps: names.filter((n) => TEMP.test(n)),
  };
  if (names.includes("outline.json")) {
    const bytes = fs.readFileSync(nodePath.join(dir, "outline.json"));
    report.outlineSha256 = sha256Hex(bytes);
    try {
      report.outline = checkOutline(JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes)), id);
    } catch (err) {
      report.outlineError = err instanceof Error ? err.message : String(err);
    }
  }
  if (names.includes("audit.jsonl")) {
    const log = readAuditLog(fs.readFileSync(nodePath.join(dir, "audit.jsonl")));
    report.events = log.events;
    report.tornTailBytes = log.tornTailBytes;
    report.auditProblems = log.problems;
  }
  return report;
}

function checkOutline(value: unknown, id: string): ReadOutline {
  const o = value as Partial<ReadOutline> | null;
  if (typeof o !== "object" || o === null) throw new Error("outline is not an object");
  if (o.report_id !== id) throw new Error(`report_id ${String(o.report_id)} is not the folder's ${id}`);
  if (typeof o.title !== "string" || o.title === "") throw new Error("title missing");
  if (typeof o.updated_at !== "string") throw new Error("updated_at missing");
  if (!Number.isInteger(o.outline_version)) throw new Error("outline_version is not an integer");
  if (!Array.isArray(o.sections)) throw new Error("sections is not an array");
  if (typeof o.metadata !== "object" || o.metadata === null) throw new Error("metadata is not an object");
  return o as ReadOutline;
}

function readIndex(file: string): { index: Map<string, ReadIndexEntry>; problems: string[] } {
  const index = new Map<string, ReadIndexEntry>();
  const problems: string[] = [];
  if (!fs.existsSync(file)) return { index, problems };
  const lines = fs.readFileSync(file, "utf8").split("\n");
  // A last line without its newline is a torn append, ignored by definition (docs/FORMAT.md).
  lines.pop();
  lines.forEach((line, i) => {
    try {
      const entry = JSON.parse(line) as ReadIndexEntry;
      if (typeof entry.report_id !== "string") throw new Error("no report_id");
      index.set(entry.report_id, entry);
    } catch (err) {
      problems.push(`index.jsonl line ${i + 1}: ${err instanceof Error ? err.message : String(err)}`);
    }
  });
  return { index, problems };
}
