import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { countFsyncs } from "./fsyncCount.js";
import { isMeasurement, type Measurement } from "./measurement.js";
import type { Cell } from "./plan.js";

/** How to run the seed module's trials (python3 from PATH with the seed's folder on PYTHONPATH). */
export interface SeedRunner {
  pythonPath: string;
  script: string;
}

const WORKER = fileURLToPath(new URL("./worker.js", import.meta.url));
/** A trial that hangs is a bug; this bounds the damage. */
const TIMEOUT_MS = 180_000;

/**
 * Runs one cell in a fresh process in a fresh folder under `dir` and returns its measurement;
 * with `strace`, runs it under strace instead and also returns (`straced`) the fsync + fdatasync
 * syscalls made between its marks. The folder is removed afterwards.
 * @throws Error when the process fails, times out or prints no measurement
 */
export function runTrial(
  cell: Cell,
  dir: string,
  seed: SeedRunner | undefined,
  strace = false,
): Measurement & { straced?: number } {
  const work = fs.mkdtempSync(join(dir, `${cell.workload}-${cell.contender}-`));
  const traceFile = join(dir, `${cell.workload}-${cell.contender}.strace`);
  try {
    const args = [String(cell.ops), String(cell.warmup)];
    let command: string[];
    const env: NodeJS.ProcessEnv = { ...process.env };
    if (cell.contender === "seed-python") {
      if (seed === undefined) throw new Error("seed-python is not available");
      command = ["python3", seed.script, cell.workload, work, ...args];
      env.PYTHONPATH = seed.pythonPath;
    } else {
      command = [process.execPath, WORKER, cell.workload, cell.contender, work, ...args];
      if (cell.fixture !== undefined) command.push(cell.fixture);
    }
    if (strace) {
      const filter = "trace=fsync,fdatasync,access,faccessat,faccessat2";
      command = ["strace", "-f", "--seccomp-bpf", "-qq", "-e", filter, "-o", traceFile, ...command];
    }
    const [exe = "", ...rest] = command;
    const result = spawnSync(exe, rest, { env, encoding: "utf8", timeout: TIMEOUT_MS, maxBuffer: 64 << 20 });
    if (result.status !== 0) {
      throw new Error(
        `${cell.workload} / ${cell.contender} failed (${result.error?.message ?? `exit ${result.status} ${result.signal ?? ""}`}): ${result.stderr.slice(-2000)}`,
      );
    }
    const last = result.stdout.trim().split("\n").pop() ?? "";
    const parsed: unknown = JSON.parse(last);
    if (!isMeasurement(parsed))
      throw new Error(`${cell.workload} / ${cell.contender} printed no measurement`);
    if (!strace) return parsed;
    return { ...parsed, straced: countFsyncs(fs.readFileSync(traceFile, "utf8")) };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
    fs.rmSync(traceFile, { force: true });
  }
}

/**
 * Makes the shared store of `reports` reports at `path` in a worker process (setup: not measured).
 * @throws Error when the worker fails
 */
export function makeFixture(path: string, reports: number): void {
  fs.mkdirSync(path, { recursive: true });
  const result = spawnSync(process.execPath, [WORKER, "--fixture", String(reports), path], {
    encoding: "utf8",
  });
  if (result.status !== 0)
    throw new Error(`fixture of ${reports} reports failed: ${result.stderr.slice(-2000)}`);
}

/** True when strace runs here (installed, and ptrace allowed). */
export function straceWorks(): boolean {
  const r = spawnSync("strace", ["-f", "-qq", "-e", "trace=fsync", "-o", "/dev/null", "true"], {
    encoding: "utf8",
  });
  return r.status === 0;
}
