/**
 * `npm run bench [-- --quick]`: living-reports against what a user would pick instead (issues 6
 * and 11, docs/BENCHMARKS.md#targets). Each (workload, contender) runs in its own process, several rounds in shuffled
 * order; rows are medians over rounds and ratios are taken within a round. Prints a markdown
 * table and the targets, and writes `apps/bench/results/latest.json` (and `latest.md`); a run of
 * only some workloads or contenders writes `partial.json` / `partial.md` instead. `--io` runs the
 * sync-vs-promise node:fs measurements instead (io/syncVsPromise.ts).
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { cellKey, type RoundSample, resultRows, summarize } from "./aggregate.js";
import { chooseBenchDir } from "./benchDir.js";
import { type Contender, NATIVE_SYNC_CONTENDERS } from "./names.js";
import { type BenchOptions, parseOptions, USAGE } from "./options.js";
import { type Cell, FIXTURE_REPORTS, planCells, roundOrder } from "./plan.js";
import { markdownReport } from "./report.js";
import { makeFixture, runTrial, type SeedRunner, straceWorks } from "./runTrial.js";
import { prng } from "./stats.js";
import { checkTargets } from "./targets.js";
import { loadSqlite, packageVersion, sqliteVersion, unavailableNativePeers } from "./update/native.js";

const BENCH_ROOT = fileURLToPath(new URL("../", import.meta.url));
const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

const options = parseArguments(process.argv.slice(2));
if (options.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
if (options.io) {
  const { runSyncVsPromise } = await import("./io/syncVsPromise.js");
  const io = chooseBenchDir(options.dir, join(BENCH_ROOT, ".scratch"));
  await runSyncVsPromise({ rounds: options.rounds, ops: options.quick ? 100 : 200, dir: io.path });
  process.exit(0);
}
const dir = chooseBenchDir(options.dir, join(BENCH_ROOT, ".scratch"));
const notes: string[] = [];
const seed = findSeed(notes);
const unavailable = new Set<Contender>(seed === undefined ? ["seed-python"] : []);
findNativePeers(unavailable, notes);
const straceHere = straceWorks();
const strace = options.strace && straceHere;
notes.push(
  strace
    ? "fsyncs/op counted by strace (fsync + fdatasync syscalls between the trial's marks, all threads and child processes)."
    : "fsyncs/op counted in-process during the timed rounds (node:fs fsync/fdatasync calls, Python os.fsync); run with --strace to count syscalls." +
        (straceHere
          ? " SQLite and LMDB flush inside native code, which that count cannot see: theirs are counted by strace in a short extra pass."
          : " SQLite and LMDB flush inside native code: without strace their fsyncs/op are not counted (–)."),
);
if (options.strace && !strace) notes.push("strace was asked for but does not run here.");
const cells = planCells(options, unavailable);
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
  // Full mode straces every cell; otherwise only the native peers, whose flushes nothing else sees.
  const native = cells.filter((c) => NATIVE_SYNC_CONTENDERS.includes(c.contender));
  for (const cell of strace ? cells : straceHere ? native : []) {
    progress(`fsync count ${cell.workload} ${cell.contender}`);
    const small: Cell = { ...cell, ops: Math.min(cell.ops, 30), warmup: Math.min(cell.warmup, 3) };
    const m = runTrial(small, dir.path, seed, true);
    const key = cellKey(cell.workload, cell.contender);
    const perOp = (m.straced ?? 0) / m.ops;
    const inProcess = m.fsyncs === undefined ? undefined : m.fsyncs / m.ops;
    if (inProcess !== undefined && Math.abs(inProcess - perOp) > 0.05 && !cell.workload.includes("-8-")) {
      notes.push(
        `${key}: strace counted ${perOp.toFixed(2)} fsyncs/op, the in-process count ${inProcess.toFixed(2)}.`,
      );
    }
    fsyncs.set(key, perOp);
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

/** The options, or (for a bad command line) the message and the usage on stderr and exit 2. */
function parseArguments(argv: readonly string[]): BenchOptions {
  try {
    return parseOptions(argv);
  } catch (err) {
    process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  }
}

/**
 * Marks the database peers that cannot run here as unavailable, saying why in a note (and at once
 * on stderr): they are optional dependencies, and better-sqlite3 must be built (`npm run bench:setup`).
 */
function findNativePeers(unavailable: Set<Contender>, notes: string[]): void {
  const why = unavailableNativePeers();
  const sqlite = why.get("better-sqlite3");
  if (sqlite !== undefined) {
    unavailable.add("sqlite-wal-full");
    unavailable.add("sqlite-rollback-full");
    notes.push(`sqlite peers unavailable: ${sqlite}.`);
  } else {
    notes.push(
      `SQLite ${sqliteVersion(loadSqlite())} (better-sqlite3 ${packageVersion("better-sqlite3") ?? "?"}); ` +
        `lmdb ${packageVersion("lmdb") ?? "?"}${why.has("lmdb") ? " (unavailable)" : ""}.`,
    );
  }
  const lmdb = why.get("lmdb");
  if (lmdb !== undefined) {
    unavailable.add("lmdb");
    notes.push(`lmdb peer unavailable: ${lmdb}.`);
  }
  for (const [name, reason] of why)
    process.stderr.write(`${name === "lmdb" ? "lmdb peer" : "sqlite peers"} unavailable: ${reason}\n`);
}

/**
 * The seed module's runner when python3 with pydantic and the seed are present, else a note. The
 * seed's folder is `LR_SEED_PYTHONPATH`, by default `../shared/seed/python` beside the clone.
 */
function findSeed(notes: string[]): SeedRunner | undefined {
  const pythonPath = process.env.LR_SEED_PYTHONPATH ?? join(REPO_ROOT, "..", "shared", "seed", "python");
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
