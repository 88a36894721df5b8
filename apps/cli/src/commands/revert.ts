import type { CommandSpec } from "../command.js";
import { summarize, summaryLine } from "../output/reportSummary.js";
import { actionIdArgument, reportIdArgument } from "./idArgument.js";

/** `revert <id> <action-id>`: commits the state before that action as the next version. */
export const revertCommand: CommandSpec = {
  name: "revert",
  summary: "commit the backup an action recorded (the state before it) as the next version",
  usage: "revert <id> <action-id>",
  options: {},
  positionals: { min: 2, max: 2 },
  examples: [
    "living-reports history 3f2c7a9e-0b1d-4c5e-8f6a-1b2c3d4e5f60",
    "living-reports revert 3f2c7a9e-0b1d-4c5e-8f6a-1b2c3d4e5f60 0d9c8b7a-6f5e-4d3c-9b2a-1f0e9d8c7b6a",
  ],
  async run(ctx, args) {
    const id = reportIdArgument(args, 0);
    const actionId = actionIdArgument(args, 1);
    const outline = await ctx.stores.use({ access: "write" }, (store) => store.revert(id, actionId));
    return { json: summarize(outline), text: summaryLine("reverted", outline) };
  },
};
