import { usageError } from "../cliError.js";
import type { CommandSpec } from "../command.js";
import { summarize, summaryLine } from "../output/reportSummary.js";
import { reportIdArgument } from "./idArgument.js";

/** `tag <id> [--add T]... [--remove T]...`: adds and removes tags in one recorded change. */
export const tagCommand: CommandSpec = {
  name: "tag",
  summary: "add and remove tags of a report",
  usage: "tag <id> [--add T]... [--remove T]...",
  options: {
    add: { type: "string", multiple: true, value: "T", description: "tag to add (repeatable)" },
    remove: { type: "string", multiple: true, value: "T", description: "tag to remove (repeatable)" },
  },
  positionals: { min: 1, max: 1 },
  examples: ["living-reports tag 3f2c7a9e-0b1d-4c5e-8f6a-1b2c3d4e5f60 --add churn --add q3 --remove draft"],
  async run(ctx, args) {
    const id = reportIdArgument(args, 0);
    const add = args.strings("add");
    const remove = args.strings("remove");
    if (add.length === 0 && remove.length === 0) throw usageError("tag needs at least one --add or --remove");
    const outline = await ctx.stores.use({ access: "write" }, (store) => store.tag(id, { add, remove }));
    const tags = summarize(outline).tags;
    return {
      json: summarize(outline),
      text: `${summaryLine("tagged", outline)}: ${tags.length === 0 ? "no tags" : tags.join(", ")}`,
    };
  },
};
