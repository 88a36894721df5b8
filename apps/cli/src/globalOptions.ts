import { resolve } from "node:path";
import type { Actor } from "@living-reports/core";
import { usageError } from "./cliError.js";
import type { OptionSpec } from "./command.js";
import type { CliIo } from "./io.js";
import type { ParsedArgs } from "./parsedArgs.js";

/** Options every command takes (docs/CLI.md), anywhere on the command line. */
export const GLOBAL_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  root: {
    type: "string",
    value: "DIR",
    description: "the store's root directory (default $LIVING_REPORTS_ROOT, else ./reports)",
  },
  json: { type: "boolean", description: "machine output: exactly one JSON document on stdout" },
  actor: {
    type: "string",
    value: "cli|agent|human",
    description: "who is recorded on audit events (default cli)",
  },
  "lock-timeout": {
    type: "string",
    value: "MS",
    description: "give up waiting for a report's lock after MS milliseconds (default 30000)",
  },
  help: { type: "boolean", short: "h", description: "show help (of the command, when one is given)" },
};

/** Where and as whom a run works on its store. */
export interface StoreSettings {
  /** Absolute path of the store's root. */
  readonly root: string;
  readonly actor: Actor;
  /** Lock acquisition timeout, when `--lock-timeout` was given. */
  readonly lockTimeoutMs?: number;
}

const ACTORS: readonly Actor[] = ["cli", "agent", "human"];

function isActor(value: string): value is Actor {
  return (ACTORS as readonly string[]).includes(value);
}

/**
 * Reads the global options of a parsed command line.
 * @throws LivingReportsError INVALID_INPUT for an unknown actor, a bad timeout or an empty root
 */
export function storeSettings(args: ParsedArgs, io: CliIo): StoreSettings {
  const rootOption = args.string("root") ?? io.env.LIVING_REPORTS_ROOT ?? "./reports";
  if (rootOption.trim() === "") throw usageError("the store root (--root or $LIVING_REPORTS_ROOT) is empty");
  const actor = args.string("actor") ?? "cli";
  if (!isActor(actor)) throw usageError(`--actor must be one of ${ACTORS.join(", ")}, got '${actor}'`);
  const root = resolve(io.cwd, rootOption);
  const lockTimeoutMs = args.integer("lock-timeout", 0);
  return lockTimeoutMs === undefined ? { root, actor } : { root, actor, lockTimeoutMs };
}
