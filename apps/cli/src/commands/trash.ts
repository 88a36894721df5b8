import type { TrashEntry } from "@living-reports/core";
import { usageError } from "../cliError.js";
import type { CommandContext, CommandResult, CommandSpec } from "../command.js";
import { summarize, summaryLine } from "../output/reportSummary.js";
import { renderTable } from "../output/table.js";
import type { ParsedArgs } from "../parsedArgs.js";
import { reportIdArgument } from "./idArgument.js";

function trashTable(entries: readonly TrashEntry[]): string {
  if (entries.length === 0) return "the trash is empty";
  return renderTable(
    [{ header: "ID" }, { header: "TITLE", maxWidth: 48 }, { header: "DELETED" }, { header: "LOCATION" }],
    entries.map((e) => [e.report_id, e.title, e.deleted_at, e.location]),
  );
}

async function purge(ctx: CommandContext, args: ParsedArgs): Promise<CommandResult> {
  const olderThan = args.string("older-than");
  let options: { olderThanDays?: number } = {};
  if (olderThan !== undefined) {
    const days = Number(olderThan);
    if (olderThan.trim() === "" || !Number.isFinite(days) || days < 0) {
      throw usageError(`--older-than must be a number of days >= 0, got '${olderThan}'`);
    }
    options = { olderThanDays: days };
  }
  const purged = await ctx.stores.use({ access: "write" }, (store) => store.trashPurge(options));
  return {
    json: { purged },
    text: purged.length === 0 ? "nothing purged" : `purged ${purged.length}: ${purged.join(", ")}`,
  };
}

const USAGE = "trash [list] | trash restore <id> | trash purge [--older-than DAYS]";

/** `trash [list]` · `trash restore <id>` · `trash purge [--older-than DAYS]`. */
export const trashCommand: CommandSpec = {
  name: "trash",
  summary: "list, restore or purge soft-deleted reports",
  usage: USAGE,
  options: {
    "older-than": {
      type: "string",
      value: "DAYS",
      description: "purge only reports deleted at least DAYS ago",
    },
  },
  positionals: { min: 0, max: 2 },
  examples: [
    "living-reports trash",
    "living-reports trash restore 3f2c7a9e-0b1d-4c5e-8f6a-1b2c3d4e5f60",
    "living-reports trash purge --older-than 30",
  ],
  async run(ctx, args) {
    const action = args.positionals[0] ?? "list";
    const arity = action === "restore" ? 2 : 1;
    if (args.positionals.length > arity) throw usageError(`usage: living-reports ${USAGE}`);
    if (action !== "purge" && args.string("older-than") !== undefined) {
      throw usageError("--older-than goes with 'trash purge'");
    }
    switch (action) {
      case "list": {
        const entries = await ctx.stores.use({ access: "read" }, (store) => store.trashList());
        return { json: entries, text: trashTable(entries) };
      }
      case "restore": {
        const id = reportIdArgument(args, 1);
        const outline = await ctx.stores.use({ access: "write" }, (store) => store.trashRestore(id));
        return { json: summarize(outline), text: summaryLine("restored", outline) };
      }
      case "purge":
        return purge(ctx, args);
      default:
        throw usageError(`unknown trash action '${action}' (list, restore or purge)`);
    }
  },
};
