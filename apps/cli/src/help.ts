import type { CommandSpec, OptionSpec } from "./command.js";
import { GLOBAL_OPTIONS } from "./globalOptions.js";
import { renderTable } from "./output/table.js";

function optionRows(options: Readonly<Record<string, OptionSpec>>): string[][] {
  return Object.entries(options).map(([name, spec]) => {
    const short = spec.short === undefined ? "" : `-${spec.short}, `;
    const value = spec.type === "string" ? ` ${spec.value ?? "VALUE"}` : "";
    const repeat = spec.multiple === true ? "..." : "";
    return [`  ${short}--${name}${value}${repeat}`, spec.description];
  });
}

function section(title: string, rows: string[][]): string {
  const table = renderTable([{ header: "" }, { header: "" }], rows);
  // renderTable's first line is the (empty) header row: drop it.
  return `${title}:\n${table.split("\n").slice(1).join("\n")}`;
}

/** The top-level help: synopsis, commands, global options, exit codes. */
export function topLevelHelp(commands: readonly CommandSpec[]): string {
  return [
    "living-reports: inspect, evolve, verify, repair and restore a living-reports store.",
    "",
    "Usage: living-reports [--root DIR] [--json] [--actor cli|agent|human] <command> [options]",
    "       living-reports <command> --help",
    "",
    section(
      "Commands",
      commands.map((c) => [`  ${c.name}`, c.summary]),
    ),
    "",
    section("Global options", optionRows(GLOBAL_OPTIONS)),
    "",
    "Exit codes: 0 ok, 1 verify found problems, 2 usage or bad input, 3 not found,",
    "            4 version conflict, 5 lock timeout or compromised, 6 storage failure or corruption;",
    "            130/143 interrupted by SIGINT/SIGTERM (store closed, locks released).",
    "",
    "Example: living-reports --root ./reports init && living-reports create 'Q3 churn' --tag churn",
    "",
  ].join("\n");
}

/** One command's help: synopsis, what it does, its options, the global options, examples. */
export function commandHelp(command: CommandSpec): string {
  const parts = [`Usage: living-reports ${command.usage}`, "", command.summary, ""];
  if (Object.keys(command.options).length > 0)
    parts.push(section("Options", optionRows(command.options)), "");
  parts.push(section("Global options", optionRows(GLOBAL_OPTIONS)), "");
  parts.push("Examples:", ...command.examples.map((e) => `  ${e}`), "");
  return parts.join("\n");
}
