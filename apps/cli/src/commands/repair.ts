import type { RepairReport } from "@living-reports/core";
import type { CommandSpec } from "../command.js";
import { createProgressBar } from "../output/progressBar.js";
import { reportIdArgument } from "./idArgument.js";
import { problemLine } from "./verify.js";

function repairText(report: RepairReport): string {
  const lines = report.mended.map(
    (m) =>
      `mended  ${m.action}${m.report_id === undefined ? "" : `  ${m.report_id}`}${m.file === undefined ? "" : ` ${m.file}`}${m.detail === undefined ? "" : `  ${m.detail}`}`,
  );
  // repair always rebuilds the index: routine, so it is not counted as something mended.
  if (report.indexRebuilt) lines.push("index rebuilt");
  lines.push(...report.unresolved.map((p) => `could not mend  ${problemLine(p)}`));
  const summary = report.mended.length === 0 ? "nothing to mend" : `${report.mended.length} thing(s) mended`;
  lines.push(
    report.unresolved.length === 0 ? summary : `${summary}, ${report.unresolved.length} left unresolved`,
  );
  return lines.join("\n");
}

/** `repair [<id>]`: mends what can be mended; exits 0 when it ran, listing what it could not mend. */
export const repairCommand: CommandSpec = {
  name: "repair",
  summary:
    "cut torn tails, salvage glued records, remove orphan temps, reclaim stale locks, record manual edits, rebuild the index",
  usage: "repair [<id>]",
  options: {},
  positionals: { min: 0, max: 1 },
  examples: ["living-reports repair", "living-reports --json repair 3f2c7a9e-0b1d-4c5e-8f6a-1b2c3d4e5f60"],
  async run(ctx, args) {
    const id = args.positionals.length === 0 ? undefined : reportIdArgument(args, 0);
    const bar = createProgressBar(ctx.io.stdout, !ctx.json);
    const report = await ctx.stores
      .use({ access: "write", onProgress: bar.update }, (store) => store.repair(id))
      .finally(() => bar.finish());
    return { json: report, text: repairText(report) };
  },
};
