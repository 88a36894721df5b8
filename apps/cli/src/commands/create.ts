import type { CommandSpec } from "../command.js";
import { readSectionsFile } from "./sectionsFile.js";

/** `create <title> [--tag T]... [--sections-file F]`: a new report; prints its id. */
export const createCommand: CommandSpec = {
  name: "create",
  summary: "create a report; prints its id",
  usage: "create <title> [--tag T]... [--sections-file F]",
  options: {
    tag: { type: "string", multiple: true, value: "T", description: "tag of the new report (repeatable)" },
    "sections-file": {
      type: "string",
      value: "F",
      description: 'JSON: an array of sections, or { "sections": [...], "insights": [...] } (- for stdin)',
    },
  },
  positionals: { min: 1, max: 1 },
  examples: [
    "living-reports create 'Q3 churn' --tag churn --tag q3",
    "living-reports --json create 'Q3 churn' --sections-file sections.json",
  ],
  async run(ctx, args) {
    const title = args.positional(0, "title");
    const tags = args.strings("tag");
    const file = args.string("sections-file");
    const content = file === undefined ? undefined : await readSectionsFile(ctx.io, file);
    const outline = await ctx.stores.use({ access: "write" }, (store) =>
      store.create(content === undefined ? { title, tags } : { title, tags, ...content }),
    );
    return { json: { report_id: outline.report_id }, text: outline.report_id };
  },
};
