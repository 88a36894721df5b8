import type { CommandSpec } from "../command.js";
import { postgresLines } from "../demo/postgresPhase.js";
import { type DemoSummary, runDemo } from "../demo/runDemo.js";
import { ExitCode } from "../exitCodes.js";
import { problemLine } from "./verify.js";

function verdict(v: { ok: boolean; problems: readonly Parameters<typeof problemLine>[0][] }): string {
  return v.ok ? "verify ok" : `verify FAILED:\n${v.problems.map((p) => `     ${problemLine(p)}`).join("\n")}`;
}

function demoText(s: DemoSummary): string {
  const mended = s.recovery.mended.map(
    (m) =>
      `     ${m.action}${m.report_id === undefined ? "" : ` ${m.report_id}`}${m.file === undefined ? "" : ` ${m.file}`}`,
  );
  const lost = s.acknowledged.lost.map(
    (l) => `     LOST ${l.report_id} version ${l.outline_version}: ${l.reason}`,
  );
  return [
    `living-reports demo (power loss seed ${s.crash.seed})`,
    `1. real disk (node-fs), ${s.original.root}: reports created, evolved, tagged, renamed, archived, forked; ${verdict(s.original.verify)}`,
    `2. simulated disk (memfs): power lost (torn writes) right after an update was acknowledged, ${
      s.crash.inFlight.length > 0
        ? `while a rename of ${s.crash.inFlight.join(", ")} was in flight`
        : "(the concurrent rename had just resolved)"
    }`,
    ...s.inFlightOutcome.map(
      (o) =>
        `     after recovery it reads "${o.title}" (version ${o.outline_version}): all of the rename or none of it`,
    ),
    `3. recovery on reopen: ${s.recovery.mended.length} thing(s) mended, index ${s.recovery.indexRebuilt ? "rebuilt" : "kept"}`,
    ...mended,
    `4. after recovery: ${verdict(s.verify)}`,
    `5. acknowledged changes: ${s.acknowledged.checked} checked, ${s.acknowledged.survived ? "every one survived" : `${s.acknowledged.lost.length} LOST`}`,
    ...lost,
    `6. recovered store on a real disk, ${s.recovered.root}: ${verdict(s.recovered.verify)}`,
    ...postgresLines(s.postgres),
    `summary: ${s.reports} reports, ${s.versions} versions, ${s.events} events; ${s.ok ? "OK" : "FAILED"}`,
    s.kept ? `kept ${s.directory}: try 'living-reports --root ${s.recovered.root} list'` : "",
  ]
    .filter((line) => line !== "")
    .join("\n");
}

/** `demo`: the whole story on an embedded default, from creation to crash to verified recovery. */
export const demoCommand: CommandSpec = {
  name: "demo",
  summary: "create and evolve reports in a temp dir, simulate a power loss mid-write, recover, verify",
  usage: "demo [--seed N] [--keep]",
  options: {
    seed: { type: "string", value: "N", description: "seed of the simulated power loss (default 7)" },
    keep: { type: "boolean", description: "keep the temporary directory to explore it with --root" },
  },
  positionals: { min: 0, max: 0 },
  examples: ["living-reports demo", "living-reports --json demo --seed 42 --keep"],
  async run(ctx, args) {
    const seed = args.integer("seed", 0, 2 ** 32 - 1) ?? 7;
    const summary = await runDemo({
      actor: ctx.stores.settings.actor,
      seed,
      keep: args.flag("keep"),
      env: ctx.io.env,
    });
    return { json: summary, text: demoText(summary), exitCode: summary.ok ? ExitCode.OK : ExitCode.PROBLEMS };
  },
};
