import * as fs from "node:fs";
import * as nodePath from "node:path";
import { fileURLToPath } from "node:url";
import type { LockOptions } from "@living-reports/core";
import { type Child, sleep, startNode } from "../processes.js";
import { runOtherWriter } from "./otherWriter.js";
import { checkAfterPause } from "./pauseChecks.js";
import type { PauserConfig, PauserResult, PauseStep, PauseWhen } from "./pauseConfig.js";
import { waitUntilStopped } from "./processState.js";

/** The paused writer, run by plain node over the built packages. */
export const PAUSER_SCRIPT = fileURLToPath(new URL("../workers/pauser.mjs", import.meta.url));

/** Bounds of a case (ms): no process of it may outlive them. */
const STOP_WITHIN_MS = 15_000;
const OTHER_WITHIN_MS = 20_000;
const END_WITHIN_MS = 15_000;

/** What a case needs: a seeded store to copy, its report, the lock times, where to stop. */
export interface PauseCaseInput {
  /** A store with report `id` in it, copied afresh for the case. */
  template: string;
  id: string;
  /** A fresh directory for the case (the store is copied to `<dir>/store`). */
  dir: string;
  lock: Required<Pick<LockOptions, "staleMs" | "refreshMs" | "timeoutMs">>;
  /** 0: the dry run (no stop). */
  k: number;
  when: PauseWhen;
  /** The label of step `k` in the dry run (the step must be the same one). */
  expectedStep?: string;
}

/** What one case came to. */
export interface PauseCaseResult {
  k: number;
  when: PauseWhen;
  /** The step the writer stopped at, paths shortened (`rename by_id/<id>/outline.json.tmp-* -> …`). */
  step: string;
  /** The paused writer's outcome: `resolved v4`, `LOCK_COMPROMISED`, `VERSION_CONFLICT`, `hang`, ... */
  paused: string;
  /** The other writer's outcome: `resolved v4`, or its error. */
  other: string;
  /** Every failed check, as "expected …, found …" (empty: the case holds). */
  problems: string[];
  /** The counted steps of the update (the dry run's are the sweep's steps). */
  steps: PauseStep[];
  ms: number;
}

/**
 * One case of the fencing test: starts the paused writer on a fresh copy of the store; once it
 * stopped itself at step `k` (state `T` in /proc), waits past the stale time (stale + 2 refresh
 * periods), runs the other writer's update, which must succeed; resumes the paused writer
 * (SIGCONT) and waits for its outcome, which must be a success or LOCK_COMPROMISED; then
 * {@link checkAfterPause}. Every wait is bounded; a process still running after its bound is
 * SIGKILLed and reported as a hang. With `k` = 0 it only runs the update, counting its steps.
 */
export async function runPauseCase(input: PauseCaseInput): Promise<PauseCaseResult> {
  const started = Date.now();
  const root = nodePath.join(input.dir, "store");
  fs.cpSync(input.template, root, { recursive: true });
  const tag = input.k === 0 ? "dry" : `${input.when}-${input.k}`;
  const config: PauserConfig = {
    root,
    id: input.id,
    lock: input.lock,
    pauseAt: input.k,
    when: input.when,
    requestId: `paused-${tag}`,
    marker: `paused-${tag}`,
    steps: nodePath.join(input.dir, "steps.jsonl"),
    result: nodePath.join(input.dir, "result.json"),
  };
  const otherId = `other-${tag}`;
  const problems: string[] = [];
  const child = startNode(PAUSER_SCRIPT, [JSON.stringify(config)]);
  let ended = false;
  void child.exited.then(() => {
    ended = true;
  });
  let other = "not run";
  let otherOutcome: Awaited<ReturnType<typeof runOtherWriter>> = { ok: false, error: "not run" };
  let hang = false;
  try {
    if (input.k > 0) {
      const stopped = await waitUntilStopped(child.pid, () => ended, STOP_WITHIN_MS);
      const steps = readSteps(config.steps);
      const at = steps.find((s) => s.k === input.k);
      if (!stopped) {
        problems.push(
          ended
            ? `expected the writer to stop at step ${input.k} (${input.expectedStep}), it ended after ${steps.length} steps without stopping`
            : `expected the writer to stop at step ${input.k} within ${STOP_WITHIN_MS} ms, it did not`,
        );
      } else {
        if (
          at !== undefined &&
          input.expectedStep !== undefined &&
          label(at, input.id) !== input.expectedStep
        )
          problems.push(
            `expected step ${input.k} to be the dry run's ${input.expectedStep}, it was ${label(at, input.id)}`,
          );
        await sleep(input.lock.staleMs + 2 * input.lock.refreshMs);
        otherOutcome = await runOtherWriter(root, input.id, input.lock, otherId, OTHER_WITHIN_MS);
        other = otherOutcome.ok ? `resolved v${otherOutcome.version}` : otherOutcome.error;
        if (!otherOutcome.ok)
          problems.push(
            `expected the other writer's update (run while the writer was stopped past its stale time) to succeed, it failed: ${otherOutcome.error}`,
          );
        child.process.kill("SIGCONT");
      }
    }
    hang = !(await endsWithin(child, END_WITHIN_MS));
  } finally {
    if (!ended) child.process.kill("SIGKILL");
    await child.exited;
  }
  const steps = readSteps(config.steps);
  const result = readResult(config.result);
  const paused = hang ? "hang" : result === undefined ? "no outcome" : outcomeLabel(result);
  if (hang)
    problems.push(`expected the writer to end within ${END_WITHIN_MS} ms of SIGCONT, it hung (killed)`);
  else if (result === undefined)
    problems.push(
      `expected the writer to record an outcome, it exited (${JSON.stringify(await child.exited)}) without one: ${child.stderr().slice(0, 300)}`,
    );
  else if (result.outcome === "rejected" && (result.code !== "LOCK_COMPROMISED" || input.k === 0))
    problems.push(
      `expected the writer to resolve${input.k === 0 ? "" : " or fail with LOCK_COMPROMISED"}, it failed with ${result.code}: ${result.message}`,
    );
  if (input.k > 0) {
    // A killed writer's session lock must go stale before a writing open recovers it.
    if (hang) await sleep(input.lock.staleMs + 2 * input.lock.refreshMs);
    problems.push(
      ...(await checkAfterPause(root, input.id, input.lock, {
        ...(result === undefined ? {} : { paused: result }),
        pausedRequestId: config.requestId,
        pausedMarker: config.marker,
        pausedBackups: steps
          .filter((s) => s.op === "link")
          .map((s) => s.path.split(" -> ")[1] ?? "")
          .filter((p) => p.includes("/backups/")),
        other: otherOutcome,
        otherRequestId: otherId,
      })),
    );
  }
  const at = steps.find((s) => s.k === input.k);
  return {
    k: input.k,
    when: input.when,
    step: at === undefined ? "-" : label(at, input.id),
    paused,
    other,
    problems,
    steps,
    ms: Date.now() - started,
  };
}

/** A step with the report id, temp suffixes and backup timestamps shortened. */
export function label(s: PauseStep, id: string): string {
  const path = s.path
    .replaceAll(id, "<id>")
    .replaceAll(/\.tmp-[0-9a-f]{16}/g, ".tmp-*")
    .replaceAll(/\.\d{8}T\d{6}_\d{6}(_\d+)?\.bak/g, ".<ts>.bak");
  return `${s.op} ${path}`;
}

function outcomeLabel(r: PauserResult): string {
  return r.outcome === "resolved" ? `resolved v${r.version}` : r.code;
}

async function endsWithin(child: Child, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([child.exited.then(() => true as const), late]);
  } finally {
    clearTimeout(timer);
  }
}

function readSteps(file: string): PauseStep[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as PauseStep & { stop?: string })
    .filter((s) => s.stop === undefined);
}

function readResult(file: string): PauserResult | undefined {
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as PauserResult) : undefined;
}
