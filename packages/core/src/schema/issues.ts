import type { z } from "zod";

const SHOWN_ISSUES = 3;

/**
 * A one-line summary of the first zod issues: `sections.0.title: Too small: ...; ...`, with a
 * count of the rest. Used in INVALID_OUTLINE (and similar) messages.
 */
export function describeIssues(error: z.ZodError): string {
  const shown = error.issues.slice(0, SHOWN_ISSUES).map((issue) => {
    const where = issue.path.length > 0 ? issue.path.map(String).join(".") : "(root)";
    return `${where}: ${issue.message}`;
  });
  const more = error.issues.length - shown.length;
  return more > 0 ? `${shown.join("; ")}; and ${more} more` : shown.join("; ");
}
