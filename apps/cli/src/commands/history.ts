import type { HistoryEvent } from "@living-reports/core";
import type { CommandSpec } from "../command.js";
import { renderTable } from "../output/table.js";
import { reportIdArgument } from "./idArgument.js";

/** A short reading of an event's payload for the table: its most telling keys. */
function describe(event: HistoryEvent): string {
  const p = event.payload;
  const parts: string[] = [];
  for (const key of [
    "initial_title",
    "new_title",
    "final_tags",
    "status",
    "reverted_from_action_id",
    "outline_version",
  ]) {
    const value = p[key];
    if (value !== undefined) parts.push(`${key}=${Array.isArray(value) ? value.join(",") : String(value)}`);
  }
  if (p.backup_filename !== undefined && p.backup_filename !== null) parts.push("backup");
  return parts.join(" ");
}

/** `history <id>`: the audit log, oldest first. */
export const historyCommand: CommandSpec = {
  name: "history",
  summary: "show a report's audit log, oldest first",
  usage: "history <id>",
  options: {},
  positionals: { min: 1, max: 1 },
  examples: ["living-reports history 3f2c7a9e-0b1d-4c5e-8f6a-1b2c3d4e5f60"],
  async run(ctx, args) {
    const id = reportIdArgument(args, 0);
    const events = await ctx.stores.use({ access: "read" }, (store) => store.history(id));
    const table = renderTable(
      [
        { header: "LINE", alignRight: true },
        { header: "TIME" },
        { header: "ACTOR" },
        { header: "ACTION" },
        { header: "ACTION ID" },
        { header: "DETAILS", maxWidth: 60 },
      ],
      events.map((e) => [String(e.line), e.ts, e.actor, e.action_type, e.action_id, describe(e)]),
    );
    return { json: events, text: events.length === 0 ? "no events" : table };
  },
};
