import type { CommandSpec } from "../command.js";
import { createProgressBar } from "../output/progressBar.js";

/** `rebuild-index`: rewrites `index.jsonl` from `by_id/*`, with a progress bar on a terminal. */
export const rebuildIndexCommand: CommandSpec = {
  name: "rebuild-index",
  summary: "rebuild index.jsonl from the reports on disk",
  usage: "rebuild-index",
  options: {},
  positionals: { min: 0, max: 0 },
  examples: ["living-reports rebuild-index"],
  async run(ctx) {
    const bar = createProgressBar(ctx.io.stdout, !ctx.json);
    const { reports } = await ctx.stores
      .use({ access: "write", onProgress: bar.update }, (store) => store.rebuildIndex())
      .finally(() => bar.finish());
    return { json: { reports }, text: `index rebuilt: ${reports} report(s)` };
  },
};
