import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";
import { run } from "../../src/main.js";
import { captureIo } from "./captureIo.js";

/** What one in-process CLI run did. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout parsed as the one JSON document `--json` prints. */
  json<T>(): T;
}

/** Runs `living-reports argv` in-process with captured output. */
export async function runCli(
  argv: string[],
  options: { cwd?: string; env?: Record<string, string>; tty?: boolean } = {},
): Promise<CliRun> {
  const io = captureIo(options);
  const code = await run(argv, io);
  const stdout = io.stdout.text();
  return { code, stdout, stderr: io.stderr.text(), json: <T>() => JSON.parse(stdout) as T };
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh temporary directory, removed after the test. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "lr-cli-"));
  dirs.push(dir);
  return dir;
}

/**
 * A CLI bound to a fresh store: `cli(...args)` runs with `--root <store>` (the store is created
 * with `init` first unless `init: false`).
 */
export async function storeCli(options: { init?: boolean } = {}) {
  const dir = tempDir();
  const root = join(dir, "store");
  const cli = (...argv: string[]) => runCli(["--root", root, ...argv], { cwd: dir });
  if (options.init !== false) {
    const init = await cli("init");
    if (init.code !== 0) throw new Error(`init failed: ${init.stderr}`);
  }
  return { cli, root, dir };
}

/** Runs a `--json` command expected to succeed and returns its document. */
export async function ok<T>(result: Promise<CliRun>): Promise<T> {
  const r = await result;
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}`);
  return r.json<T>();
}
