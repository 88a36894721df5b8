import type { CommandSpec } from "../command.js";

/** `init`: creates the root layout; running it on an existing store changes nothing. */
export const initCommand: CommandSpec = {
  name: "init",
  summary: "create the store layout at the root (nothing changes if a store is there)",
  usage: "init",
  options: {},
  positionals: { min: 0, max: 0 },
  examples: ["living-reports --root ./reports init"],
  async run(ctx) {
    const root = ctx.stores.root;
    const { created } = await ctx.stores.init();
    return {
      json: { root, created },
      text: created ? `created a store at ${root}` : `a store already exists at ${root}`,
    };
  },
};
