import {
  ErrorCode,
  isLivingReportsError,
  LivingReportsError,
  type Outline,
  parseOutlineBytes,
} from "@living-reports/core";
import { usageError } from "../cliError.js";
import type { CommandSpec } from "../command.js";
import { readInputFile } from "../inputFile.js";
import { summarize, summaryLine } from "../output/reportSummary.js";
import { reportIdArgument } from "./idArgument.js";

/**
 * `update <id> --file F [--expected-version N | --force]`: replaces the outline with F (docs/CLI.md).
 * Without `--expected-version`, F's own `outline_version` is the expected one, so
 * `show --json > F`, edit, `update` never overwrites a change made in between.
 */
export const updateCommand: CommandSpec = {
  name: "update",
  summary: "replace a report's outline with a file (optimistic concurrency on outline_version)",
  usage: "update <id> --file F [--expected-version N | --force]",
  options: {
    file: { type: "string", value: "F", description: "the complete new outline, JSON (- for stdin)" },
    "expected-version": {
      type: "string",
      value: "N",
      description: "fail with a version conflict unless the stored outline_version is N (default: F's)",
    },
    force: { type: "boolean", description: "replace whatever the stored version is" },
  },
  positionals: { min: 1, max: 1 },
  examples: [
    "living-reports --json show 3f2c7a9e-0b1d-4c5e-8f6a-1b2c3d4e5f60 > outline.json",
    "living-reports update 3f2c7a9e-0b1d-4c5e-8f6a-1b2c3d4e5f60 --file outline.json",
    "living-reports update 3f2c7a9e-0b1d-4c5e-8f6a-1b2c3d4e5f60 --file outline.json --expected-version 7",
  ],
  async run(ctx, args) {
    const id = reportIdArgument(args, 0);
    const file = args.string("file");
    if (file === undefined) throw usageError("update needs --file F");
    const expectedVersion = args.integer("expected-version", 1);
    const force = args.flag("force");
    if (force && expectedVersion !== undefined) {
      throw usageError("--expected-version and --force exclude each other");
    }
    const input = await readInputFile(ctx.io, file);
    const outline = parseInput(input.bytes, input.path);
    if (outline.report_id !== id) {
      throw usageError(`${input.path} holds report ${outline.report_id}, not ${id}`);
    }
    const options = expectedVersion === undefined ? { force } : { expectedVersion };
    const updated = await ctx.stores.use({ access: "write" }, (store) => store.update(outline, options));
    return { json: summarize(updated), text: summaryLine("updated", updated) };
  },
};

/**
 * The outline in the operator's file. Bytes that are not UTF-8 are bad input here (exit 2), not
 * the corrupt store file (CORRUPT_FILE, exit 6) they would be on disk.
 */
function parseInput(bytes: Uint8Array, path: string): Outline {
  try {
    return parseOutlineBytes(bytes, undefined, path);
  } catch (err) {
    if (!isLivingReportsError(err, ErrorCode.CORRUPT_FILE)) throw err;
    throw new LivingReportsError(ErrorCode.INVALID_INPUT, `${path} is not valid UTF-8`, { path, cause: err });
  }
}
