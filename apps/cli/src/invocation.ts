import { type ParseArgsConfig, parseArgs } from "node:util";
import { toLivingReportsError, usageError } from "./cliError.js";
import type { CommandSpec, OptionSpec } from "./command.js";
import { GLOBAL_OPTIONS } from "./globalOptions.js";
import { ParsedArgs } from "./parsedArgs.js";

/** What a command line asks for. */
export type Invocation =
  | { readonly kind: "help"; readonly command?: CommandSpec }
  | { readonly kind: "run"; readonly command: CommandSpec; readonly args: ParsedArgs };

type ParseOptions = NonNullable<ParseArgsConfig["options"]>;

function parseOptionsOf(specs: Readonly<Record<string, OptionSpec>>): ParseOptions {
  const out: ParseOptions = {};
  for (const [name, spec] of Object.entries(specs)) {
    const option: ParseOptions[string] = { type: spec.type };
    if (spec.multiple === true) option.multiple = true;
    if (spec.short !== undefined) option.short = spec.short;
    out[name] = option;
  }
  return out;
}

/** Index in argv of the first positional (the command name), global options skipped. */
function findCommandToken(argv: readonly string[]): { name: string; index: number } | undefined {
  const { tokens } = parseArgs({
    args: [...argv],
    options: parseOptionsOf(GLOBAL_OPTIONS),
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  for (const token of tokens) {
    if (token.kind === "positional") return { name: token.value, index: token.index };
  }
  return undefined;
}

function strictParse(
  args: string[],
  command: CommandSpec,
): Pick<ReturnType<typeof parseArgs>, "values" | "positionals"> {
  const specs = { ...GLOBAL_OPTIONS, ...command.options };
  const parse = () =>
    parseArgs({ args, options: parseOptionsOf(specs), strict: true, allowPositionals: true, tokens: true });
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse();
  } catch (err) {
    throw toLivingReportsError(err, command.name);
  }
  // parseArgs keeps the last of a repeated single-valued option; `--root a --root b` would then
  // silently work on b. A value given twice is ambiguous: refuse it.
  const seen = new Set<string>();
  for (const token of parsed.tokens) {
    if (
      token.kind !== "option" ||
      specs[token.name]?.type !== "string" ||
      specs[token.name]?.multiple === true
    )
      continue;
    if (seen.has(token.name)) throw usageError(`option --${token.name} given more than once`);
    seen.add(token.name);
  }
  return parsed;
}

/**
 * True when `--json` is on the command line (before any `--`): known even when parsing fails, so a
 * usage error is still reported as JSON.
 */
export function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf("--");
  return (end < 0 ? argv : argv.slice(0, end)).includes("--json");
}

/**
 * Parses a command line: global options anywhere, the command (first positional), then the
 * command's options and positionals, strictly. `help [command]` is the same as `--help`.
 *
 * @throws LivingReportsError INVALID_INPUT for no or an unknown command, an unknown option, a
 *   missing option value, or a wrong number of arguments
 */
export function parseInvocation(argv: readonly string[], commands: readonly CommandSpec[]): Invocation {
  const found = findCommandToken(argv);
  const byName = (name: string): CommandSpec => {
    const command = commands.find((c) => c.name === name);
    if (command === undefined) throw usageError(`unknown command '${name}' (see living-reports --help)`);
    return command;
  };
  if (found === undefined) {
    if (argv.includes("--help") || argv.includes("-h")) return { kind: "help" };
    throw usageError("no command given (see living-reports --help)");
  }
  const rest = [...argv.slice(0, found.index), ...argv.slice(found.index + 1)];
  if (found.name === "help") {
    const target = rest.find((a) => !a.startsWith("-"));
    return target === undefined ? { kind: "help" } : { kind: "help", command: byName(target) };
  }
  const command = byName(found.name);
  const { values, positionals } = strictParse(rest, command);
  const args = new ParsedArgs(values, positionals);
  if (args.flag("help")) return { kind: "help", command };
  const { min, max } = command.positionals;
  if (positionals.length < min || (max !== null && positionals.length > max)) {
    throw usageError(`wrong number of arguments: usage: living-reports ${command.usage}`);
  }
  return { kind: "run", command, args };
}
