import type { CaseResult } from "./runFaults.js";
import { tally } from "./runFaults.js";

/**
 * The real-fault results as Markdown: one row per case (steps tried, refused correctly,
 * committed, hangs, failed-but-committed, leftovers repair could not mend, other wrong outcomes),
 * then the known-failing list with each reason and what it did in this run.
 */
export function formatFaultReport(results: readonly CaseResult[]): string {
  const head = [
    "case",
    "tried",
    "refused correctly",
    "committed",
    "hangs",
    "failed but committed",
    "not mended",
    "other wrong",
    "status",
  ];
  const rows = results.map((r) => {
    const t = tally([r]);
    const status =
      r.skipped !== undefined
        ? `skipped: ${r.skipped}`
        : r.knownFailing !== undefined
          ? r.passed
            ? "KNOWN_FAILING but passed: remove from the list"
            : "KNOWN_FAILING_PENDING_STORE_FIX"
          : r.passed
            ? "pass"
            : "FAIL";
    return [
      r.name,
      t.tried,
      t.refusedCorrectly,
      t.committed,
      t.hangs,
      t.failedButCommitted,
      t.notMended,
      t.wrong,
      status,
    ].map(String);
  });
  const all = tally(results);
  rows.push(
    [
      "**all**",
      all.tried,
      all.refusedCorrectly,
      all.committed,
      all.hangs,
      all.failedButCommitted,
      all.notMended,
      all.wrong,
      "",
    ].map(String),
  );
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (c: string[]) => `| ${c.map((x, i) => x.padEnd(widths[i] ?? 0)).join(" | ")} |`;
  const table = [line(head), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.map(line)].join(
    "\n",
  );
  const known = results.filter((r) => r.knownFailing !== undefined);
  const knownLines = known.map((r) => {
    const first = r.steps.find(
      (s) =>
        s.verdict !== "ok" &&
        s.verdict !== "refused" &&
        s.verdict !== "committed" &&
        s.verdict !== "finished",
    );
    return `- ${r.name}: ${r.knownFailing}${first === undefined ? " (passed in this run)" : `\n  e.g. ${first.verdict} at "${first.step}": ${first.detail.slice(0, 300)}`}`;
  });
  return `${table}\n\nKNOWN_FAILING_PENDING_STORE_FIX (run and reported, kept out of the CI set until the store fix):\n${knownLines.join("\n") || "- none"}`;
}

/** The failures that count: bad steps of cases that are not on the known-failing list. */
export function unexpectedFailures(results: readonly CaseResult[]): CaseResult[] {
  return results.filter((r) => r.knownFailing === undefined && !r.passed);
}
