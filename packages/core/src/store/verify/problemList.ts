import type { VerifyProblem } from "../shared/types.js";
import type { VerifyCode } from "./problemCodes.js";

/** Where a problem is: the report, the root-relative file, the 1-based line. */
export interface ProblemSite {
  report_id?: string;
  file?: string;
  line?: number;
}

/**
 * Collects problems in the order they are found. Sites are copied key by key so that absent
 * fields stay absent (never `undefined`), as the JSON output of `verify` expects.
 */
export class ProblemList {
  readonly #problems: VerifyProblem[] = [];

  /** Records one problem. */
  add(code: VerifyCode, message: string, site: ProblemSite = {}): void {
    const problem: VerifyProblem = { code, message };
    if (site.report_id !== undefined) problem.report_id = site.report_id;
    if (site.file !== undefined) problem.file = site.file;
    if (site.line !== undefined) problem.line = site.line;
    this.#problems.push(problem);
  }

  /** The problems found so far (a copy). */
  toArray(): VerifyProblem[] {
    return [...this.#problems];
  }
}
