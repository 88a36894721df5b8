/**
 * `npm run bench [-- --quick]`: living-reports against what a user would pick instead (issue 6,
 * SPEC §10). Each (workload, contender) runs in its own process, several rounds in shuffled
 * order; rows are medians over rounds and ratios are taken within a round. Prints a markdown
 * table and writes `apps/bench/results/latest.json` (and `latest.md`); a run of only some
 * workloads or contenders writes `partial.json` / `partial.md` instead.
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { cellKey, type RoundSample, resultRows, summarize } from "./aggregate.js";
import { chooseBenchDir } from "./benchDir.js";
import { parseOptions } from "./options.js";
import { type Cell, FIXTURE_REPORTS, planCells } from "./plan.js";
import { markdownReport } from "./report.js";
import { makeFixture, runTrial, type SeedRunner, straceWorks } from "./runTrial.js";
import { prng, shuffled } from "./stats.js";
import { checkTargets } from "./targets.js";

const BENCH_ROOT = fileURLToPath(new URL("../", import.meta.url));
const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

const options = parseOptions(process.argv.slice(2));
const dir = chooseBenchDir(options.dir, join(BENCH_ROOT, ".scratch"));
const notes: string[] = [];
const seed = findSeed(notes);
const strace = options.strace && straceWorks();
notes.push(
  strace
    ? "fsyncs/op counted by strace (fsync + fdatasync syscalls between the trial's marks, all threads and child processes)."
    : "fsyncs/op counted in-process during the timed rounds (node:fs fsync/fdatasync calls, Python os.fsync); run with --strace to count syscalls.",
);
if (options.strace && !strace) notes.push("strace was asked for but does not run here.");
const cells = planCells(options, seed !== undefined);
const random = prng(options.seed);
const samples = new Map<string, RoundSample[]>();
const started = performance.now();
const loadAtStart = os.loadavg()[0] ?? 0;

try {
  makeFixtures(cells);
  for (let round = 1; round <= options.rounds; round++) {
    for (const cell of roundOrder(cells, random)) {
      progress(`round ${round}/${options.rounds} ${cell.workload} ${cell.contender}`);
      const sample = summarize(round, runTrial(cell, dir.path, seed));
      const key = cellKey(cell.workload, cell.contender);
      samples.set(key, [...(samples.get(key) ?? []), sample]);
    }
  }
  const fsyncs = new Map<string, number>();
  if (strace) {
    for (const cell of cells) {
      progress(`fsync count ${cell.workload} ${cell.contender}`);
      const small: Cell = { ...cell, ops: Math.min(cell.ops, 30), warmup: Math.min(cell.warmup, 3) };
      const m = runTrial(small, dir.path, seed, true);
      const key = cellKey(cell.workload, cell.contender);
      const perOp = (m.straced ?? 0) / m.ops;
      const inProcess = m.fsyncs === undefined ? undefined : m.fsyncs / m.ops;
      if (
        inProcess !== undefined &&
        Math.abs(inProcess - perOp) > 0.05 &&
        !cell.workload.startsWith("append-8")
      ) {
        notes.push(
          `${key}: strace counted ${perOp.toFixed(2)} fsyncs/op, the in-process count ${inProcess.toFixed(2)}.`,
        );
      }
      fsyncs.set(key, perOp);
    }
  }
  progress("");
  const rows = resultRows(samples, fsyncs);
  const targets = checkTargets(samples, rows);
  const report = markdownReport(
    {
      cpu: os.cpus()[0]?.model ?? "unknown CPU",
      cores: os.cpus().length,
      node: process.version,
      kernel: os.release(),
      filesystem: dir.filesystem,
      dir: dir.path,
      rounds: options.rounds,
      mode: options.quick ? "quick" : "full",
      seed: options.seed,
      load: [loadAtStart, os.loadavg()[0] ?? 0],
    },
    rows,
    samples,
    targets,
    notes,
  );
  const results = join(BENCH_ROOT, "results");
  fs.mkdirSync(results, { recursive: true });
  // A run of some workloads or contenders must not replace the record of a complete one.
  const name = options.workloads === undefined && options.contenders === undefined ? "latest" : "partial";
  fs.writeFileSync(join(results, `${name}.json`), `${JSON.stringify(rows, null, 2)}\n`);
  fs.writeFileSync(join(results, `${name}.md`), report);
  process.stdout.write(report);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  process.stdout.write(`\n(${seconds} s; results/${name}.json written)\n`);
} finally {
  removeInBackground(dir.path);
}

/**
 * Removes the bench folder in a detached process, so the run returns once its results are out:
 * deleting the 10,000-report fixture alone takes tens of seconds on a busy disk.
 */
function removeInBackground(path: string): void {
  const script = `require("node:fs").rmSync(${JSON.stringify(path)}, { recursive: true, force: true })`;
  spawn(process.execPath, ["-e", script], { detached: true, stdio: "ignore" }).unref();
}

/** The seed module's runner when python3 with pydantic and the seed are present, else a note. */
function findSeed(notes: string[]): SeedRunner | undefined {
  const pythonPath = join(REPO_ROOT, "..", "shared", "seed", "python");
  const check = spawnSync("python3", ["-c", "import pydantic, seedpkg.storage"], {
    env: { ...process.env, PYTHONPATH: pythonPath },
    encoding: "utf8",
  });
  if (check.status === 0) return { pythonPath, script: join(BENCH_ROOT, "python", "seed_bench.py") };
  notes.push(
    `seed-python skipped: python3 with pydantic and ${pythonPath} not usable (${(check.stderr ?? check.error?.message ?? "").trim().split("\n").pop()}).`,
  );
  return undefined;
}

/**
 * One round's order: the workloads shuffled, and each workload's contenders shuffled and run
 * back to back, so that the trials a ratio compares run seconds apart (a burst of load from
 * elsewhere then hits both or neither).
 */
function roundOrder(cells: readonly Cell[], random: () => number): Cell[] {
  const workloads = shuffled([...new Set(cells.map((c) => c.workload))], random);
  return workloads.flatMap((w) =>
    shuffled(
      cells.filter((c) => c.workload === w),
      random,
    ),
  );
}

/** Makes each shared store fixture once (setup, not measured) and points its cells at it. */
function makeFixtures(cells: Cell[]): void {
  for (const cell of cells) {
    const reports = FIXTURE_REPORTS[cell.workload];
    if (reports === undefined) continue;
    cell.fixture = join(dir.path, `fixture-${cell.workload}`);
    if (fs.existsSync(cell.fixture)) continue;
    progress(`fixture: a store of ${reports} reports for ${cell.workload}`);
    makeFixture(cell.fixture, reports);
  }
}

function progress(text: string): void {
  if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K${text}`);
  else if (text !== "") process.stderr.write(`${text}\n`);
}
