import * as fs from "node:fs";
import * as os from "node:os";
import * as nodePath from "node:path";
import { openReports } from "@living-reports/core";
import { nodeFsBackend } from "@living-reports/node-fs";
import { label, type PauseCaseResult, runPauseCase } from "./pauseCase.js";
import type { PauseWhen } from "./pauseConfig.js";

/** The lock times of both writers: short, so that a case waits well under a second past them. */
export const PAUSE_LOCK = { staleMs: 400, refreshMs: 100, timeoutMs: 10_000 } as const;

/** Both variants of a step: stopped right before the call, and right after it. */
export const PAUSE_WHEN: readonly PauseWhen[] = ["before", "after"];

/** What {@link runPauseSweep} found. */
export interface PauseSweep {
  /** The update's counted mutating calls, from the dry run (`k` is 1-based). */
  steps: string[];
  /** The dry run's failures (it must resolve with no stop). */
  dryRunProblems: string[];
  /** One per step and variant, in order: step 1 before, step 1 after, step 2 before, ... */
  cases: PauseCaseResult[];
  ms: number;
}

/** A prepared sweep: the seeded store every case copies, the dry run's steps, and a runner per case. */
export interface PauseBench {
  /** The update's counted mutating calls, from the dry run (`k` is 1-based). */
  readonly steps: string[];
  /** The dry run's failures (it must resolve with no stop). */
  readonly dryRunProblems: string[];
  /** Runs the case of step `k` (1-based), stopped `when`. */
  runCase(k: number, when: PauseWhen): Promise<PauseCaseResult>;
  /** Removes every file of the sweep (unless `LR_KEEP_RUNS` is set). */
  dispose(): void;
}

/**
 * Seeds the store every case copies (one report at version 2) and runs the dry run, which
 * counts the update's mutating calls: the steps a case may stop at. Linux only (cases read /proc).
 */
export async function preparePauseSweep(): Promise<PauseBench> {
  const base = fs.mkdtempSync(nodePath.join(os.tmpdir(), "lr-rel-pause-"));
  const dispose = () => {
    if (process.env.LR_KEEP_RUNS === undefined) fs.rmSync(base, { recursive: true, force: true });
  };
  try {
    const template = nodePath.join(base, "template");
    const id = await seed(template);
    let n = 0;
    const dir = () => {
      const d = nodePath.join(base, `case-${++n}`);
      fs.mkdirSync(d);
      return d;
    };
    const dry = await runPauseCase({ template, id, dir: dir(), lock: PAUSE_LOCK, k: 0, when: "before" });
    const steps = dry.steps.map((s) => label(s, id));
    return {
      steps,
      dryRunProblems: dry.problems,
      runCase: (k, when) =>
        runPauseCase({
          template,
          id,
          dir: dir(),
          lock: PAUSE_LOCK,
          k,
          when,
          ...(steps[k - 1] === undefined ? {} : { expectedStep: steps[k - 1] }),
        }),
      dispose,
    };
  } catch (err) {
    dispose();
    throw err;
  }
}

/**
 * Issue 11 item 5, the fencing test with real processes (Linux: it reads /proc): a writer's
 * `update` is stopped with SIGSTOP right before, and right after, each of its mutating backend
 * calls in turn, past its stale time, while another writer updates the same report; see
 * {@link runPauseCase} for one case and `checkAfterPause` for what must hold. `onCase` sees each
 * case as it ends.
 */
export async function runPauseSweep(
  options: { onCase?: (c: PauseCaseResult) => void } = {},
): Promise<PauseSweep> {
  const started = Date.now();
  const bench = await preparePauseSweep();
  try {
    const cases: PauseCaseResult[] = [];
    for (let k = 1; k <= bench.steps.length; k++) {
      for (const when of PAUSE_WHEN) {
        const c = await bench.runCase(k, when);
        cases.push(c);
        options.onCase?.(c);
      }
    }
    return { steps: bench.steps, dryRunProblems: bench.dryRunProblems, cases, ms: Date.now() - started };
  } finally {
    bench.dispose();
  }
}

/** A store with one report at version 2 (so that it has a backup and a chain of two events). */
async function seed(root: string): Promise<string> {
  fs.mkdirSync(root);
  const store = await openReports(nodeFsBackend({ root }), { create: true });
  try {
    const created = await store.create(
      { title: "paused writer's report", tags: ["pause"] },
      { requestId: "seed-1" },
    );
    await store.update(
      { ...created, metadata: { ...created.metadata, seeded: true } },
      { expectedVersion: 1, requestId: "seed-2" },
    );
    return created.report_id;
  } finally {
    await store.close();
  }
}

/** The sweep as lines: one per case, `k=8 before rename … : paused LOCK_COMPROMISED, other resolved v3: OK` or its failures. */
export function formatPauseSweep(s: PauseSweep): string {
  const lines = s.cases.map(
    (c) =>
      `k=${c.k} ${c.when} ${c.step}: paused ${c.paused}, other ${c.other}: ${c.problems.length === 0 ? "OK" : `FAIL (${c.problems.length})`}`,
  );
  for (const c of s.cases.filter((x) => x.problems.length > 0))
    for (const p of c.problems) lines.push(`  k=${c.k} ${c.when}: ${p}`);
  return lines.join("\n");
}
