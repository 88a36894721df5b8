import { CRASH_MODES, type CrashMode } from "@living-reports/core";
import { type CrashcheckOptions, runCrashcheck } from "@living-reports/testkit/explorer";
import { usageError } from "../cliError.js";
import type { CommandSpec } from "../command.js";
import { EXPLORE_THROUGH_HOOK, explorerIo } from "../crashcheck/explorerIo.js";
import { ExitCode } from "../exitCodes.js";
import { createProgressBar } from "../output/progressBar.js";
import type { ParsedArgs } from "../parsedArgs.js";

const BACKENDS = ["memfs", "node-fs"] as const;

function isMode(value: string): value is CrashMode {
  return (CRASH_MODES as readonly string[]).includes(value);
}

function isBackend(value: string): value is (typeof BACKENDS)[number] {
  return (BACKENDS as readonly string[]).includes(value);
}

/**
 * The explorer's options from the command line; only what was given, so that the explorer's
 * defaults stay the single source of them.
 * @throws LivingReportsError INVALID_INPUT for an unknown backend or mode, or a bad number
 */
function crashcheckOptions(args: ParsedArgs, json: boolean): CrashcheckOptions {
  // The global --backend (crashcheck reads it as: check each crash state on memfs, the default,
  // or copied to a temp dir on node-fs).
  const backend = args.string("backend");
  if (backend !== undefined && !isBackend(backend))
    throw usageError(`--backend must be one of ${BACKENDS.join(", ")}, got '${backend}'`);
  const mode = args.string("mode");
  if (mode !== undefined && !isMode(mode))
    throw usageError(`--mode must be one of ${CRASH_MODES.join(", ")}, got '${mode}'`);
  // The set's name is checked by runCrashcheck (INVALID_INPUT), the one place that knows the sets.
  const workloads = args.string("workloads") as CrashcheckOptions["workloads"] | undefined;
  const states = args.integer("states", 0);
  const seed = args.integer("seed", 0);
  return {
    json,
    mutants: args.flag("mutants"),
    workers: EXPLORE_THROUGH_HOOK,
    ...(backend === undefined ? {} : { backend }),
    ...(mode === undefined ? {} : { mode }),
    ...(workloads === undefined ? {} : { workloads }),
    ...(states === undefined ? {} : { states }),
    ...(seed === undefined ? {} : { seed }),
  };
}

/**
 * `crashcheck`: the crash explorer (docs/CRASH-MODEL.md) on the store's workloads (the standard ones
 * and the log protocol's, or the set `--workloads` names), or on the mutants, with the options and
 * output of `npm run crashcheck`. Exit 1 on any violation or missed mutant.
 */
export const crashcheckCommand: CommandSpec = {
  name: "crashcheck",
  summary: "simulate power losses during the store's workloads and check every crash state recovers",
  usage:
    "crashcheck [--backend memfs|node-fs] [--mode M] [--states N] [--seed S] [--workloads SET] [--mutants]",
  options: {
    mode: {
      type: "string",
      value: "M",
      description: `what survives a crash: ${CRASH_MODES.join(", ")} (default prefix)`,
    },
    states: {
      type: "string",
      value: "N",
      description:
        "distinct crash states to check at most, split over the workloads (default 2000); a workload stops short once its states are all checked or stop being new",
    },
    seed: { type: "string", value: "S", description: "seed of the workloads and the sampling (default 0)" },
    workloads: {
      type: "string",
      value: "SET",
      description:
        "which workloads: standard (create, evolve, evolve-strict, delete-restore, history), protocol (leases, manual edits in a lease, index compaction) or all (default)",
    },
    mutants: {
      type: "boolean",
      description:
        "run the explorer on deliberately broken stores instead, each in its own mode (or --mode); each must be caught",
    },
  },
  positionals: { min: 0, max: 0 },
  examples: [
    "living-reports crashcheck",
    "living-reports --json crashcheck --mode torn --states 20000 --seed 7",
    "living-reports crashcheck --backend node-fs --states 500",
    "living-reports crashcheck --workloads protocol --mode torn --states 5000",
    "living-reports --json crashcheck --mutants --states 300",
  ],
  async run(ctx, args) {
    const options = crashcheckOptions(args, ctx.json);
    const bar = createProgressBar(ctx.io.stdout, !ctx.json);
    // runCrashcheck formats both the text and the JSON (the same as `npm run crashcheck`):
    // keep what it prints and hand it back as this command's output.
    const chunks: string[] = [];
    const io = explorerIo((text) => chunks.push(text), bar);
    const code = await runCrashcheck(options, io).finally(() => bar.finish());
    const printed = chunks.join("");
    const json: unknown = ctx.json ? JSON.parse(printed) : undefined;
    return { json, text: printed.trimEnd(), exitCode: code === 0 ? ExitCode.OK : ExitCode.PROBLEMS };
  },
};
