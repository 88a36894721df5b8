import type { CommandSpec } from "../command.js";
import { reportIdArgument } from "./idArgument.js";

/** `fork <id> <title>`: a new report starting from a copy of another. */
export const forkCommand: CommandSpec = {
  name: "fork",
  summary: "copy a report into a new one with its own history; prints the new id",
  usage: "fork <id> <title>",
  options: {},
  positionals: { min: 2, max: 2 },
  examples: ["living-reports fork 3f2c7a9e-0b1d-4c5e-8f6a-1b2c3d4e5f60 'Churn, what-if'"],
  async run(ctx, args) {
    const id = reportIdArgument(args, 0);
    const title = args.positional(1, "title");
    const outline = await ctx.stores.use({ access: "write" }, (store) => store.fork(id, title));
    return { json: { report_id: outline.report_id }, text: outline.report_id };
  },
};
