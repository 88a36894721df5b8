import * as fs from "node:fs";
import * as os from "node:os";
import * as nodePath from "node:path";
import { openReports } from "@living-reports/core";
import { nodeFsBackend } from "@living-reports/node-fs";
import type { CliOutcome } from "./cliProcess.js";
import { logicalState } from "./logicalState.js";

/**
 * The verdict on one step of a fault case. Good: `committed` (exit 0, the change visible),
 * `refused` (non-zero exit with a typed error, nothing a user can see changed), `finished` (a
 * command on a hostile layout ended, typed, within its time), `ok` (a check that held). Bad: the
 * rest, each what the issue names: a hang, a failure after a commit, a success that did nothing,
 * a store `repair` cannot mend, a wrong exit code.
 */
export type Verdict =
  | "committed"
  | "refused"
  | "finished"
  | "ok"
  | "hang"
  | "failed-but-committed"
  | "succeeded-without-change"
  | "not-mended"
  | "wrong";

const GOOD: ReadonlySet<Verdict> = new Set(["committed", "refused", "finished", "ok"]);

/** True for the verdicts a passing case may have. */
export function isGood(v: Verdict): boolean {
  return GOOD.has(v);
}

/** One step of a case: what was tried, what came of it. */
export interface StepResult {
  step: string;
  verdict: Verdict;
  detail: string;
}

/** A real-fault case: a name (unique), a group for the table, and its steps. */
export interface FaultCase {
  readonly name: string;
  readonly group: "ENOSPC (space)" | "ENOSPC (inodes)" | "read-only" | "FIFO" | "signal" | "store";
  /** Needs mount (root, Linux); otherwise it runs on the ordinary temp dir. */
  readonly needsMount: boolean;
  run(): Promise<StepResult[]>;
}

/**
 * A store with one report (a rename behind it, so it has a backup), and `extraEvents` more tag
 * changes: each moves where the audit log and the index end within their last page, so that a
 * sweep over them meets ENOSPC at a different step of the next write. Returns the report's id.
 */
export async function seedStore(root: string, extraEvents = 0): Promise<string> {
  const store = await openReports(nodeFsBackend({ root, create: true }), { create: true });
  try {
    const a = await store.create({ title: "Seed", tags: ["seed"] });
    await store.rename(a.report_id, "Seed renamed");
    for (let i = 0; i < extraEvents; i++) await store.tag(a.report_id, { add: [`t${i}`] });
    return a.report_id;
  } finally {
    await store.close();
  }
}

/** Writes the report's outline with a new title and a bigger body to a file outside the store. */
export async function updateFile(root: string, id: string): Promise<string> {
  const store = await openReports(nodeFsBackend({ root }), { readOnly: true });
  try {
    const o = await store.get(id);
    const file = nodePath.join(fs.mkdtempSync(nodePath.join(os.tmpdir(), "lr-upd-")), "outline.json");
    const next = { ...o, title: "Updated", metadata: { ...o.metadata, body: "x".repeat(6000) } };
    fs.writeFileSync(file, JSON.stringify(next));
    return file;
  } finally {
    await store.close();
  }
}

/** A typed error line on stderr (`error CODE: …`): every failure must carry one. */
export function typedError(out: CliOutcome): string | undefined {
  return /^error ([A-Z_]+):/m.exec(out.stderr)?.[1];
}

/**
 * Judges a write command by what a user can see: a success must have changed the store, a
 * failure must have a typed error and have changed nothing.
 */
export function judgeWrite(
  before: string,
  after: string,
  out: CliOutcome,
): { verdict: Verdict; detail: string } {
  const summary = `exit ${out.code} in ${out.ms} ms${typedError(out) ? ` ${typedError(out)}` : ""}`;
  if (out.hung) return { verdict: "hang", detail: `killed after ${out.ms} ms` };
  if (out.code === 0) {
    return before === after
      ? { verdict: "succeeded-without-change", detail: summary }
      : { verdict: "committed", detail: summary };
  }
  if (before !== after)
    return { verdict: "failed-but-committed", detail: `${summary}: ${firstLine(out.stderr)}` };
  if (typedError(out) === undefined)
    return { verdict: "wrong", detail: `${summary}: no typed error: ${firstLine(out.stderr)}` };
  return { verdict: "refused", detail: summary };
}

/**
 * `repair`, then `verify`, in this process (the CLI runs the same calls): the store must come out
 * clean. Returns a failing step when it does not.
 */
export async function repairThenVerify(root: string): Promise<StepResult> {
  let detail = "";
  try {
    const w = await openReports(nodeFsBackend({ root }));
    try {
      await w.repair();
    } finally {
      await w.close();
    }
    const r = await openReports(nodeFsBackend({ root }), { readOnly: true });
    try {
      const report = await r.verify();
      if (report.ok) return { step: "repair, then verify", verdict: "ok", detail: "clean" };
      detail = report.problems.map((p) => `${p.code} ${p.file ?? ""}: ${p.message}`).join("; ");
    } finally {
      await r.close();
    }
  } catch (err) {
    detail = `threw ${(err as { code?: string }).code ?? ""} ${(err as Error).message}`;
  }
  return { step: "repair, then verify", verdict: "not-mended", detail };
}

export { logicalState };

function firstLine(text: string): string {
  return text.split("\n").find((l) => l.trim() !== "") ?? "";
}
