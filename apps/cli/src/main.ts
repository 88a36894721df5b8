import { toLivingReportsError } from "./cliError.js";
import type { CommandContext } from "./command.js";
import { ExitCode, exitCodeFor } from "./exitCodes.js";
import { storeSettings } from "./globalOptions.js";
import { commandHelp, topLevelHelp } from "./help.js";
import { parseInvocation, wantsJson } from "./invocation.js";
import type { CliIo } from "./io.js";
import { formatError } from "./output/errorOutput.js";
import { formatJson } from "./output/json.js";
import { COMMANDS } from "./registry.js";
import { StoreAccess } from "./storeAccess.js";

export { ExitCode, exitCodeFor } from "./exitCodes.js";
export type { CliIo, OutputStream } from "./io.js";
export { processIo } from "./io.js";

/**
 * Runs one `living-reports` command line (without the node and script arguments) against `io`,
 * and resolves to the process exit code (docs/CLI.md). Never throws and never exits the process:
 * every failure is printed on `io.stderr` (one `error CODE: message` line, or a JSON document
 * with `--json`, stdout then staying empty) and mapped to its exit code.
 */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
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
    const ctx: CommandContext = { io, json, stores: new StoreAccess(settings) };
    const result = await invocation.command.run(ctx, invocation.args);
    if (json) io.stdout.write(formatJson(result.json));
    else if (result.text !== "") io.stdout.write(`${result.text}\n`);
    return result.exitCode ?? ExitCode.OK;
  } catch (err) {
    const error = toLivingReportsError(err, where);
    io.stderr.write(formatError(error, json));
    return exitCodeFor(error.code);
  }
}
