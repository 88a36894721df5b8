import { usageError } from "../cliError.js";
import type { CommandSpec } from "../command.js";
import { reportIdArgument } from "./idArgument.js";

/** `synthesize <id>... --title T`: a new report with copies of the sources' sections and insights. */
export const synthesizeCommand: CommandSpec = {
  name: "synthesize",
  summary: "make a new report from copies of several reports' sections and insights; prints the new id",
  usage: "synthesize <id>... --title T",
  options: { title: { type: "string", value: "T", description: "title of the new report (required)" } },
  positionals: { min: 1, max: null },
  examples: [
    "living-reports synthesize 3f2c7a9e-0b1d-4c5e-8f6a-1b2c3d4e5f60 9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d --title 'Churn overview'",
  ],
  async run(ctx, args) {
    const ids = args.positionals.map((_, i) => reportIdArgument(args, i));
    const title = args.string("title");
    if (title === undefined) throw usageError("synthesize needs --title");
    const outline = await ctx.stores.use({ access: "write" }, (store) => store.synthesize(ids, title));
    return { json: { report_id: outline.report_id }, text: outline.report_id };
  },
};
