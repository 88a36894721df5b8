import type { ListOptions } from "@living-reports/core";
import { usageError } from "../cliError.js";
import type { CommandSpec } from "../command.js";
import { renderTable } from "../output/table.js";

const STATUSES = ["active", "archived", "deleted", "all"] as const;
const SORTS = ["updated", "created", "title"] as const;

function oneOf<T extends string>(
  option: string,
  value: string | undefined,
  allowed: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  const found = allowed.find((a) => a === value);
  if (found === undefined)
    throw usageError(`--${option} must be one of ${allowed.join(", ")}, got '${value}'`);
  return found;
}

/** `list [--status S] [--tag T]... [--sort updated|created|title]`: the index, as a table or JSON array. */
export const listCommand: CommandSpec = {
  name: "list",
  summary: "list reports (all --tag given must match)",
  usage: "list [--status active|archived|deleted|all] [--tag T]... [--sort updated|created|title]",
  options: {
    status: { type: "string", value: "S", description: "active, archived, deleted or all" },
    tag: {
      type: "string",
      multiple: true,
      value: "T",
      description: "only reports with this tag (repeatable: all)",
    },
    sort: { type: "string", value: "KEY", description: "updated, created or title" },
  },
  positionals: { min: 0, max: 0 },
  examples: ["living-reports list --tag churn --sort title", "living-reports --json list --status all"],
  async run(ctx, args) {
    const options: ListOptions = {};
    const status = oneOf("status", args.string("status"), STATUSES);
    const sort = oneOf("sort", args.string("sort"), SORTS);
    const tags = args.strings("tag");
    if (status !== undefined) options.status = status;
    if (sort !== undefined) options.sort = sort;
    if (tags.length > 0) options.tags = tags;
    const entries = await ctx.stores.use({ access: "read" }, (store) => store.list(options));
    const table = renderTable(
      [
        { header: "ID" },
        { header: "TITLE", maxWidth: 48 },
        { header: "STATUS" },
        { header: "TAGS", maxWidth: 32 },
        { header: "UPDATED" },
      ],
      entries.map((e) => [e.report_id, e.current_title, e.status, e.tags.join(","), e.updated_at]),
    );
    return { json: entries, text: entries.length === 0 ? "no reports" : table };
  },
};
