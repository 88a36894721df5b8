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
  backend: {
    type: "string",
    value: "node-fs|postgres",
    description:
      "where the store lives: a directory (node-fs, the default) or a PostgreSQL schema; crashcheck takes memfs (its default) or node-fs",
  },
  url: {
    type: "string",
    value: "URL",
    description:
      "with --backend postgres: the server (postgres://user@host:5432/db; default $LIVING_REPORTS_URL)",
  },
  schema: {
    type: "string",
    value: "NAME",
    description: "with --backend postgres: the schema holding the store (default living_reports)",
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

/** A store in a PostgreSQL schema (`--backend postgres`). */
export interface PostgresStore {
  readonly url: string;
  readonly schema: string;
}

/** Where and as whom a run works on its store. */
export interface StoreSettings {
  /** Absolute path of the store's root; for postgres, the store's description (no password). */
  readonly root: string;
  /** Set when the store is in PostgreSQL instead of a directory. */
  readonly postgres?: PostgresStore;
  /** `--backend memfs`: only crashcheck takes it; opening a store with it is a usage error. */
  readonly memfs?: true;
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
  const lockTimeoutMs = args.integer("lock-timeout", 0);
  const postgres = postgresStore(args, io);
  const root = postgres === undefined ? resolve(io.cwd, rootOption) : describePostgres(postgres);
  return {
    root,
    actor,
    ...(postgres === undefined ? {} : { postgres }),
    ...(args.string("backend") === "memfs" ? { memfs: true as const } : {}),
    ...(lockTimeoutMs === undefined ? {} : { lockTimeoutMs }),
  };
}

/**
 * `--backend postgres` with its `--url` (or $LIVING_REPORTS_URL) and `--schema`; undefined for node-fs.
 * @throws LivingReportsError INVALID_INPUT for an unknown backend, a missing URL, or `--url`,
 *   `--schema` without postgres, or `--root` with it
 */
function postgresStore(args: ParsedArgs, io: CliIo): PostgresStore | undefined {
  const backend = args.string("backend") ?? "node-fs";
  if (backend !== "node-fs" && backend !== "postgres" && backend !== "memfs") {
    throw usageError(
      `--backend must be one of memfs, node-fs, postgres (memfs: crashcheck only), got '${backend}'`,
    );
  }
  // memfs is crashcheck's (it never opens a store here); StoreAccess refuses it for a store.
  if (backend !== "postgres") {
    if (args.string("url") !== undefined || args.string("schema") !== undefined) {
      throw usageError("--url and --schema go with --backend postgres");
    }
    return undefined;
  }
  if (args.string("root") !== undefined)
    throw usageError("--root is for node-fs; a postgres store is named by --schema");
  const url = args.string("url") ?? io.env.LIVING_REPORTS_URL;
  if (url === undefined || url.trim() === "") {
    throw usageError("--backend postgres needs --url postgres://... (or $LIVING_REPORTS_URL)");
  }
  return { url, schema: args.string("schema") ?? "living_reports" };
}

/** The store's name in messages: the URL without its password, and the schema. */
function describePostgres(store: PostgresStore): string {
  return `${store.url.replace(/(\/\/[^:/@]+):[^@]*@/, "$1@")}#${store.schema}`;
}
