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
  readonly #notices: VerifyProblem[] = [];

  /** Records one problem. */
  add(code: VerifyCode, message: string, site: ProblemSite = {}): void {
    this.#problems.push(entry(code, message, site));
  }

  /**
   * Records a notice: something found that is not a problem of the committed state (a file the
   * next write rolls forward from the log, a fenced-out record), listed but not failing `ok`.
   */
  note(code: VerifyCode, message: string, site: ProblemSite = {}): void {
    this.#notices.push(entry(code, message, site));
  }

  /** Takes back the problems of `codes` recorded on `file` (what a later check found was no problem). */
  withdraw(codes: readonly VerifyCode[], file: string): void {
    for (let i = this.#problems.length - 1; i >= 0; i--) {
      const p = this.#problems[i]!;
      if (p.file === file && (codes as readonly string[]).includes(p.code)) this.#problems.splice(i, 1);
    }
  }

  /** The problems found so far (a copy). */
  toArray(): VerifyProblem[] {
    return [...this.#problems];
  }

  /** The notices recorded so far (a copy). */
  notices(): VerifyProblem[] {
    return [...this.#notices];
  }
}

function entry(code: VerifyCode, message: string, site: ProblemSite): VerifyProblem {
  const problem: VerifyProblem = { code, message };
  if (site.report_id !== undefined) problem.report_id = site.report_id;
  if (site.file !== undefined) problem.file = site.file;
  if (site.line !== undefined) problem.line = site.line;
  return problem;
}
