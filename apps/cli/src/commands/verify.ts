import type { VerifyProblem } from "@living-reports/core";
import type { CommandSpec } from "../command.js";
import { ExitCode } from "../exitCodes.js";
import { createProgressBar } from "../output/progressBar.js";
import { reportIdArgument } from "./idArgument.js";

/** One problem as a terminal line: `CODE  report file:line  message`. */
export function problemLine(problem: VerifyProblem): string {
  const where = [
    problem.report_id,
    problem.file === undefined
      ? undefined
      : `${problem.file}${problem.line === undefined ? "" : `:${problem.line}`}`,
  ]
    .filter((p) => p !== undefined)
    .join(" ");
  return `${problem.code}  ${where === "" ? "" : `${where}  `}${problem.message}`;
}

/** `verify [<id>]`: read-only check of docs/GUARANTEES.md; exit 1 when any problem is found. */
export const verifyCommand: CommandSpec = {
  name: "verify",
  summary: "check the store (or one report) on disk, read-only; lists every problem, exit 1 if any",
  usage: "verify [<id>]",
  options: {},
  positionals: { min: 0, max: 1 },
  examples: ["living-reports verify", "living-reports --json verify 3f2c7a9e-0b1d-4c5e-8f6a-1b2c3d4e5f60"],
  async run(ctx, args) {
    const id = args.positionals.length === 0 ? undefined : reportIdArgument(args, 0);
    const bar = createProgressBar(ctx.io.stdout, !ctx.json);
    const report = await ctx.stores
      .use({ access: "read", onProgress: bar.update }, (store) => store.verify(id))
      .finally(() => bar.finish());
    // Notices (a file the next write rolls forward from the log, a fenced-out record) are listed
    // but are not problems: they do not change the exit code.
    const notices = report.notices.map((n) => `note: ${problemLine(n)}`);
    const text = report.ok
      ? [...notices, `ok: ${report.reports} report(s) checked, no problems`].join("\n")
      : [
          ...report.problems.map(problemLine),
          ...notices,
          `${report.problems.length} problem(s) in ${report.reports} report(s) checked`,
        ].join("\n");
    return {
      json: { ok: report.ok, problems: report.problems, notices: report.notices, reports: report.reports },
      text,
      exitCode: report.ok ? ExitCode.OK : ExitCode.PROBLEMS,
    };
  },
};
