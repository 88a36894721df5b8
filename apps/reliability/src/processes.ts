import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import { fileURLToPath } from "node:url";
import type { WriterConfig } from "./workerConfig.js";

/** The writer script, run by plain node over the built packages (no tsx in children). */
export const WRITER_SCRIPT = fileURLToPath(new URL("./workers/writer.mjs", import.meta.url));

/** A child process of a run. */
export interface Child {
  readonly pid: number;
  readonly process: ChildProcess;
  /** Settles when it exited: its exit code, or the signal that killed it. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** What it wrote to stderr so far (for failure messages). */
  stderr(): string;
}

/**
 * Starts `node <script> <args>` with stdout ignored and stderr captured.
 * @throws Error when the process cannot be started
 */
export function startNode(
  script: string,
  args: string[],
  options: { uid?: number; gid?: number } = {},
): Child {
  const child = spawn(process.execPath, [script, ...args], {
    stdio: ["ignore", "ignore", "pipe"],
    ...options,
  });
  if (child.pid === undefined) throw new Error(`could not start ${script}`);
  let err = "";
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    err += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on("exit", (code, signal) => resolve({ code, signal }));
  });
  return { pid: child.pid, process: child, exited, stderr: () => err };
}

/** Starts a writer process with `config`. */
export function startWriter(config: WriterConfig): Child {
  return startNode(WRITER_SCRIPT, [JSON.stringify(config)]);
}

/**
 * SIGKILLs `child`, first recording the kill in the lock log (when there is one), so that the
 * log's checker knows the locks it held were abandoned, not double-held. Resolves once it died.
 */
export async function killHard(child: Child, lockLog?: string): Promise<void> {
  if (lockLog !== undefined) {
    fs.appendFileSync(
      lockLog,
      `${JSON.stringify({ e: "kill", pid: child.pid, h: 0, path: "", t: nowMicros() })}\n`,
    );
  }
  child.process.kill("SIGKILL");
  await child.exited;
}

/**
 * Waits until a writer's journal holds at least `lines` lines (it opened the store and
 * started working), polling every few milliseconds; or until it exited.
 */
export async function waitForJournal(file: string, lines: number, child: Child): Promise<void> {
  let exited = false;
  void child.exited.then(() => {
    exited = true;
  });
  while (!exited) {
    if (fs.existsSync(file) && fs.readFileSync(file, "utf8").split("\n").length > lines) return;
    await sleep(5);
  }
}

/** Microseconds of wall time, as the lock-holder log records them. */
export function nowMicros(): number {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
