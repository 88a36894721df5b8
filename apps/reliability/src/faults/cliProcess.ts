import { spawn } from "node:child_process";
import { CLI_BIN } from "../scenarios/cliKill.js";

/** One CLI command run to its end, or killed as hung. */
export interface CliOutcome {
  /** Exit code, or null when it was killed as hung (or by a signal). */
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
  /** Still running at the hang limit: killed with SIGKILL. */
  hung: boolean;
}

/** The lock acquisition timeout every fault case gives its commands. */
export const CASE_LOCK_TIMEOUT_MS = 2_000;
/**
 * A command still running this long after it started is hung: the lock timeout, plus the
 * lock stale time (10 s) an interrupted holder may leave behind, plus slack for a loaded machine.
 */
export const HANG_LIMIT_MS = CASE_LOCK_TIMEOUT_MS + 10_000 + 8_000;

/** A running process (a CLI command, a worker script): signal it, or wait for its end. */
export interface RunningCli {
  readonly pid: number | undefined;
  signal(sig: NodeJS.Signals): void;
  readonly done: Promise<CliOutcome>;
}

/**
 * Starts `living-reports --root root --lock-timeout … args` as its own process (`lockTimeoutMs`
 * longer than the default for a command that must still be waiting when it is signalled).
 */
export function startCli(
  root: string,
  args: readonly string[],
  lockTimeoutMs = CASE_LOCK_TIMEOUT_MS,
  hangLimitMs = HANG_LIMIT_MS,
): RunningCli {
  return startNode([CLI_BIN, "--root", root, "--lock-timeout", String(lockTimeoutMs), ...args], hangLimitMs);
}

/**
 * Starts `node argv…` (this Node) with its output collected; still running after `hangLimitMs`,
 * it is killed with SIGKILL and its outcome says `hung`.
 */
export function startNode(argv: readonly string[], hangLimitMs = HANG_LIMIT_MS): RunningCli {
  const t0 = Date.now();
  const child = spawn(process.execPath, argv, { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  let hung = false;
  const timer = setTimeout(() => {
    hung = true;
    child.kill("SIGKILL");
  }, hangLimitMs);
  const done = new Promise<CliOutcome>((resolve) => {
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - t0, hung });
    });
  });
  return { pid: child.pid, signal: (sig) => child.kill(sig), done };
}

/** Runs one CLI command to its end (or the hang limit). */
export function runCli(root: string, args: readonly string[]): Promise<CliOutcome> {
  return startCli(root, args).done;
}

/** A command line for the store's report: each `ID` in `argv` replaced by `id`. */
export function forReport(argv: readonly string[], id: string): string[] {
  return argv.map((a) => (a === "ID" ? id : a));
}
