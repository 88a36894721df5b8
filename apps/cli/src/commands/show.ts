import type { CommandSpec } from "../command.js";
import { renderOutline } from "../output/outlineText.js";
import { reportQueryArgument } from "./idArgument.js";

/** `show <id-or-title>`: the outline, readable or as JSON. */
export const showCommand: CommandSpec = {
  name: "show",
  summary: "show a report's outline (by id, exact title, or unique partial title)",
  usage: "show <id-or-title>",
  options: {},
  positionals: { min: 1, max: 1 },
  examples: [
    "living-reports show 'Q3 churn'",
    "living-reports --json show 3f2c7a9e-0b1d-4c5e-8f6a-1b2c3d4e5f60 > outline.json",
  ],
  async run(ctx, args) {
    const query = reportQueryArgument(args, 0);
    const outline = await ctx.stores.use({ access: "read" }, async (store) =>
      store.get(await store.resolve(query)),
    );
    return { json: outline, text: renderOutline(outline) };
  },
};
