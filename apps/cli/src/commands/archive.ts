import type { CommandSpec } from "../command.js";
import { summarize, summaryLine } from "../output/reportSummary.js";
import { reportIdArgument } from "./idArgument.js";

/** `archive <id>`: sets a report's status to archived (it stays readable and listed with --status). */
export const archiveCommand: CommandSpec = {
  name: "archive",
  summary: "mark a report archived",
  usage: "archive <id>",
  options: {},
  positionals: { min: 1, max: 1 },
  examples: ["living-reports archive 3f2c7a9e-0b1d-4c5e-8f6a-1b2c3d4e5f60"],
  async run(ctx, args) {
    const id = reportIdArgument(args, 0);
    const outline = await ctx.stores.use({ access: "write" }, (store) => store.archive(id));
    return { json: summarize(outline), text: summaryLine("archived", outline) };
  },
};
