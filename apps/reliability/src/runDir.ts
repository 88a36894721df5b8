import * as fs from "node:fs";
import * as os from "node:os";
import * as nodePath from "node:path";
import {
  type OpenReportsOptions,
  openReports,
  type ReportStore,
  type VerifyReport,
} from "@living-reports/core";
import { nodeFsBackend } from "@living-reports/node-fs";
import type { JournalLine } from "./workerConfig.js";

/** The files of one run: the store's root, the journals, the lock-holder log and its markers. */
export interface RunDir {
  /** Parent directory of everything below (removed by {@link removeRunDir}). */
  readonly base: string;
  readonly root: string;
  readonly lockLog: string;
  readonly marks: string;
  /** The journal file of writer `name`. */
  journal(name: string): string;
  /** Every journal written so far. */
  journals(): string[];
}

/** Makes a fresh run directory under the system temp dir. */
export function makeRunDir(prefix = "lr-rel-"): RunDir {
  const base = fs.mkdtempSync(nodePath.join(os.tmpdir(), prefix));
  const root = nodePath.join(base, "store");
  const journals = nodePath.join(base, "journals");
  const marks = nodePath.join(base, "marks");
  for (const dir of [root, journals, marks]) fs.mkdirSync(dir);
  return {
    base,
    root,
    lockLog: nodePath.join(base, "locks.jsonl"),
    marks,
    journal: (name) => nodePath.join(journals, `${name}.jsonl`),
    journals: () => fs.readdirSync(journals).map((n) => nodePath.join(journals, n)),
  };
}

/** Removes a run directory (unless `LR_KEEP_RUNS` is set, to inspect a failure). */
export function removeRunDir(run: RunDir): void {
  if (process.env.LR_KEEP_RUNS === undefined) fs.rmSync(run.base, { recursive: true, force: true });
}

/** Opens the store at `run.root` in this process. */
export function openStore(run: RunDir, options: OpenReportsOptions = {}): Promise<ReportStore> {
  return openReports(nodeFsBackend({ root: run.root }), options);
}

/**
 * Creates the store and `count` shared reports in this process, journalled as writer `setup`
 * (so that the checker accounts for their create events). Returns their ids.
 */
export async function seedReports(run: RunDir, count: number): Promise<string[]> {
  const store = await openStore(run, { create: true });
  const lines: JournalLine[] = [];
  const ids: string[] = [];
  try {
    for (let i = 1; i <= count; i++) {
      const op = `setup-${i}`;
      const outline = await store.create({ title: `r ${op}`, tags: [op] }, { requestId: op });
      ids.push(outline.report_id);
      lines.push({ t: "start", op, kind: "create" });
      lines.push({
        t: "ack",
        op,
        kind: "create",
        report: outline.report_id,
        version: outline.outline_version,
      });
    }
  } finally {
    await store.close();
  }
  fs.writeFileSync(run.journal("setup"), lines.map((l) => `${JSON.stringify(l)}\n`).join(""));
  return ids;
}

/** Runs the library's own read-only `verify` over the whole store. */
export async function verifyStore(run: RunDir): Promise<VerifyReport> {
  const store = await openStore(run, { readOnly: true });
  try {
    return await store.verify();
  } finally {
    await store.close();
  }
}
