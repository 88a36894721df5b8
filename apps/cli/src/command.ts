import type { ExitCode } from "./exitCodes.js";
import type { CliIo } from "./io.js";
import type { ParsedArgs } from "./parsedArgs.js";
import type { StoreAccess } from "./storeAccess.js";

/** One option of a command, as `node:util` parseArgs takes it, plus its help text. */
export interface OptionSpec {
  readonly type: "string" | "boolean";
  /** May be given several times (`--tag a --tag b`). */
  readonly multiple?: boolean;
  /** One-letter alias. */
  readonly short?: string;
  /** Placeholder shown in help (`T`, `FILE`, `N`). */
  readonly value?: string;
  readonly description: string;
}

/** What a command hands back: one JSON document for `--json`, text otherwise, and its exit code. */
export interface CommandResult {
  /** The single JSON document printed with `--json`. */
  readonly json: unknown;
  /** The human-readable output (without trailing newline; empty prints nothing). */
  readonly text: string;
  /** Defaults to 0; `verify` returns 1 when it found problems. */
  readonly exitCode?: ExitCode;
}

/** What a running command may use. */
export interface CommandContext {
  readonly io: CliIo;
  /** `--json` was given: progress bars stay off, output is one JSON document. */
  readonly json: boolean;
  /** Opens the store at `--root` for the command (see {@link StoreAccess}). */
  readonly stores: StoreAccess;
}

/** A command of the registry: its name, its help, its options and what it does. */
export interface CommandSpec {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** The synopsis after `living-reports ` (`create <title> [--tag T]...`). */
  readonly usage: string;
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** How many positional arguments it takes (`max` null: unbounded). */
  readonly positionals: { readonly min: number; readonly max: number | null };
  /** Full command lines shown in help. */
  readonly examples: readonly string[];
  /**
   * Runs the command. Throws LivingReportsError on failure (mapped to an exit code by `run`);
   * prints nothing itself except a progress bar.
   */
  run(ctx: CommandContext, args: ParsedArgs): Promise<CommandResult>;
}
