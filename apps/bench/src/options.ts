import { CONTENDERS, type Contender, isContender, isWorkload, WORKLOADS, type Workload } from "./names.js";

/** The command line of `npm run bench`. */
export interface BenchOptions {
  /** `--help`: print {@link USAGE} and exit. */
  help: boolean;
  /** `--quick`: fewer rounds and operations, no `rebuild-100k`. */
  quick: boolean;
  /** `--rounds N` (default 3 quick, 7 full). */
  rounds: number;
  /** `--workload a,b`: only these (default all of the mode). */
  workloads: Workload[] | undefined;
  /** `--contender a,b`: only these (default all). */
  contenders: Contender[] | undefined;
  /** `--dir D`: where trials write (default: the OS temp dir unless it is tmpfs). */
  dir: string | undefined;
  /**
   * Also count fsyncs with strace in an extra pass (`--strace` / `--no-strace`; default: on in
   * full mode, off in quick mode, where the in-process counts of the timed rounds are used).
   */
  strace: boolean;
  /** `--seed N`: the seed of the shuffles (default: the time). */
  seed: number;
  /**
   * `--io`: instead of the contenders, the sync-vs-promise `node:fs` measurements behind the node:fs
   * backend's choice of APIs (docs/measurements/syncVsPromise.md); `--rounds` (default 9, quick 3)
   * and `--dir` apply.
   */
  io: boolean;
}

/** What `--help` prints. */
export const USAGE = [
  "usage: npm run bench -- [--quick] [--rounds N] [--workload a,b] [--contender a,b] [--dir D]",
  "                        [--strace|--no-strace] [--seed N]",
  "       npm run bench -- --io [--quick] [--rounds N] [--dir D]",
  "",
  "Runs each (workload, contender) in its own process, rounds in shuffled order, and prints the table",
  "and the targets (docs/BENCHMARKS.md); writes apps/bench/results/latest.json (partial.json when",
  "--workload or --contender restricts the run). --io measures sync vs promise node:fs instead.",
  "The SQLite peers need `npm run bench:setup` once; without it they are skipped with a note.",
  "",
  `workloads:  ${WORKLOADS.join(", ")}`,
  `contenders: ${CONTENDERS.join(", ")}`,
].join("\n");

/**
 * Parses the bench's arguments.
 * @throws Error with the usage for an unknown flag, workload or contender, or a bad number
 */
export function parseOptions(argv: readonly string[]): BenchOptions {
  let strace: boolean | undefined;
  const o: BenchOptions = {
    help: false,
    quick: false,
    rounds: 0,
    workloads: undefined,
    contenders: undefined,
    dir: undefined,
    strace: false,
    seed: Date.now() % 2 ** 31,
    io: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
      return v;
    };
    if (flag === "--help" || flag === "-h") o.help = true;
    else if (flag === "--quick") o.quick = true;
    else if (flag === "--io") o.io = true;
    else if (flag === "--no-strace") strace = false;
    else if (flag === "--strace") strace = true;
    else if (flag === "--rounds") o.rounds = positive(value(), flag);
    else if (flag === "--seed") o.seed = positive(value(), flag);
    else if (flag === "--dir") o.dir = value();
    else if (flag === "--workload") o.workloads = list(value(), isWorkload, "workload");
    else if (flag === "--contender") o.contenders = list(value(), isContender, "contender");
    else throw new Error(`unknown argument ${flag}\n${USAGE}`);
  }
  if (o.rounds === 0) o.rounds = o.quick ? 3 : o.io ? 9 : 7;
  o.strace = strace ?? !o.quick;
  return o;
}

function positive(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`${flag} needs a positive integer, got ${text}\n${USAGE}`);
  return n;
}

function list<T extends string>(text: string, is: (v: string) => v is T, what: string): T[] {
  return text.split(",").map((v) => {
    if (!is(v)) throw new Error(`unknown ${what} ${v}\n${USAGE}`);
    return v;
  });
}
