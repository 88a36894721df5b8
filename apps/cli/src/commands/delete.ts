import type { CommandSpec } from "../command.js";
import { reportIdArgument } from "./idArgument.js";

/** `delete <id>`: soft delete into `.trash/` (restore with `trash restore`). */
export const deleteCommand: CommandSpec = {
  name: "delete",
  summary: "move a report to the trash (restorable until purged)",
  usage: "delete <id>",
  options: {},
  positionals: { min: 1, max: 1 },
  examples: ["living-reports delete 3f2c7a9e-0b1d-4c5e-8f6a-1b2c3d4e5f60"],
  async run(ctx, args) {
    const id = reportIdArgument(args, 0);
    const entry = await ctx.stores.use({ access: "write" }, (store) => store.delete(id));
    return { json: entry, text: `deleted ${entry.report_id} "${entry.title}" into ${entry.location}` };
  },
};
