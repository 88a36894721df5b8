import { toLivingReportsError } from "./cliError.js";
import type { CommandContext } from "./command.js";
import { ExitCode, exitCodeFor } from "./exitCodes.js";
import { storeSettings } from "./globalOptions.js";
import { commandHelp, topLevelHelp } from "./help.js";
import { interrupt, untilInterrupted } from "./interrupt.js";
import { parseInvocation, wantsJson } from "./invocation.js";
import type { CliIo } from "./io.js";
import { formatError } from "./output/errorOutput.js";
import { formatJson } from "./output/json.js";
import { terminalSafe } from "./output/terminalText.js";
import { COMMANDS } from "./registry.js";
import { StoreAccess } from "./storeAccess.js";

export { ExitCode, exitCodeFor } from "./exitCodes.js";
export { exitCodeForSignal, type InterruptSignal } from "./interrupt.js";
export type { CliIo, OutputStream } from "./io.js";
export { processIo } from "./io.js";

/** How {@link run} can be stopped from outside. */
export interface RunOptions {
  /**
   * Aborted (with the signal's name, `SIGINT` or `SIGTERM`, as reason) when the process is asked
   * to stop: the command in flight is abandoned, its stores are closed (locks released, session
   * lock removed) and `run` resolves to 128 + the signal number (130, 143).
   */
  readonly signal?: AbortSignal;
}

/**
 * Runs one `living-reports` command line (without the node and script arguments) against `io`,
 * and resolves to the process exit code (docs/CLI.md). Never throws and never exits the process:
 * every failure is printed on `io.stderr` (one `error CODE: message` line, or a JSON document
 * with `--json`, stdout then staying empty) and mapped to its exit code.
 */
export async function run(argv: readonly string[], io: CliIo, options: RunOptions = {}): Promise<number> {
  const json = wantsJson(argv);
  let where = io.cwd;
  try {
    const invocation = parseInvocation(argv, COMMANDS);
    if (invocation.kind === "help") {
      io.stdout.write(
        invocation.command === undefined ? topLevelHelp(COMMANDS) : commandHelp(invocation.command),
      );
      return ExitCode.OK;
    }
    const settings = storeSettings(invocation.args, io);
    where = settings.root;
    const stores = new StoreAccess(settings, (err) => {
      const warning = toLivingReportsError(err, settings.root);
      const message = `${warning.message} (the command's change is committed; the next write or repair tidies this)`;
      io.stderr.write(
        json
          ? formatJson({ warning: { code: warning.code, message } })
          : terminalSafe(`warning ${warning.code}: ${message.replace(/\s*\n\s*/g, " ")}\n`),
      );
    });
    const ctx: CommandContext = { io, json, stores };
    const outcome = await untilInterrupted(invocation.command.run(ctx, invocation.args), options.signal);
    if (outcome.interrupted !== undefined) return await interrupt(stores, outcome.interrupted, io, json);
    const { result } = outcome;
    if (json) io.stdout.write(formatJson(result.json));
    // Text from the store (titles, tags, payloads) must not drive the operator's terminal.
    else if (result.text !== "") io.stdout.write(`${terminalSafe(result.text)}\n`);
    return result.exitCode ?? ExitCode.OK;
  } catch (err) {
    const error = toLivingReportsError(err, where);
    io.stderr.write(json ? formatError(error, true) : terminalSafe(formatError(error, false)));
    return exitCodeFor(error.code);
  }
}
