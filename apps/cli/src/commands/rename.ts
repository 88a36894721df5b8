import type { CommandSpec } from "../command.js";
import { summarize, summaryLine } from "../output/reportSummary.js";
import { reportIdArgument } from "./idArgument.js";

/** `rename <id> <title>`: changes a report's title. */
export const renameCommand: CommandSpec = {
  name: "rename",
  summary: "change a report's title",
  usage: "rename <id> <title>",
  options: {},
  positionals: { min: 2, max: 2 },
  examples: ["living-reports rename 3f2c7a9e-0b1d-4c5e-8f6a-1b2c3d4e5f60 'Churn, Q3 2025'"],
  async run(ctx, args) {
    const id = reportIdArgument(args, 0);
    const title = args.positional(1, "title");
    const outline = await ctx.stores.use({ access: "write" }, (store) => store.rename(id, title));
    return { json: summarize(outline), text: summaryLine("renamed", outline) };
  },
};
