import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Measurement } from "../measurement.js";
import type { Contender } from "../names.js";
import { mark, shareOf, type TrialContext } from "../trials/trialContext.js";

/** A message between `inProcesses` and an update process (updateProcess.ts). */
export type UpdateProcessMessage =
  | { type: "ready" }
  | { type: "go" }
  | { type: "done"; latenciesUs: number[]; fsyncs: number }
  | { type: "error"; error: string };

const CHILD = fileURLToPath(new URL("./updateProcess.js", import.meta.url));

/**
 * Runs `writers` processes on the store prepared at `ctx.dir`, each opening it with `contender`'s
 * engine, creating its own report and updating it its share of `ctx.ops` times (after its share of
 * the warm-up). All start together once every process is ready; the measurement is the total
 * count over the wall time from the start to the last process's end, with every update's latency,
 * and the fsyncs every process counted.
 * @throws Error when a process fails
 */
export async function inProcesses(
  ctx: TrialContext,
  writers: number,
  contender: Contender,
): Promise<Measurement> {
  const children = Array.from({ length: writers }, (_, w) =>
    fork(CHILD, [
      contender,
      ctx.dir,
      String(shareOf(ctx.ops, writers, w)),
      String(Math.max(1, shareOf(ctx.warmup, writers, w))),
    ]),
  );
  try {
    await Promise.all(children.map((c) => next(c, "ready")));
    mark(ctx.dir, "begin");
    const start = performance.now();
    const done = children.map((c) => next(c, "done"));
    for (const c of children) c.send({ type: "go" } satisfies UpdateProcessMessage);
    const results = await Promise.all(done);
    const elapsedMs = performance.now() - start;
    mark(ctx.dir, "end");
    const exited = children.map((c) => exit(c));
    for (const c of children) c.disconnect();
    await Promise.all(exited);
    return {
      ops: ctx.ops,
      elapsedMs,
      latenciesUs: results.flatMap((r) => r.latenciesUs),
      fsyncs: results.reduce((sum, r) => sum + r.fsyncs, 0),
    };
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill();
  }
}

/** The next message of type `type` from `child`; rejects on its error message or its exit. */
function next<T extends UpdateProcessMessage["type"]>(
  child: ChildProcess,
  type: T,
): Promise<Extract<UpdateProcessMessage, { type: T }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: UpdateProcessMessage) => {
      if (m.type === "error") {
        cleanup();
        reject(new Error(`update process: ${m.error}`));
      } else if (m.type === type) {
        cleanup();
        resolve(m as Extract<UpdateProcessMessage, { type: T }>);
      }
    };
    const onExit = (code: number | null, signal: string | null) => {
      cleanup();
      reject(new Error(`update process exited (${code ?? signal}) before "${type}"`));
    };
    const cleanup = () => {
      child.off("message", onMessage);
      child.off("exit", onExit);
    };
    child.on("message", onMessage);
    child.on("exit", onExit);
  });
}

/** Resolves when `child` exits with 0; rejects otherwise. */
function exit(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    child.once("exit", (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`update process exited (${code ?? signal}) after its run`)),
    );
  });
}
