/**
 * An `evolve` audit record numbered `n`, for the suites that append to a log directly (without a
 * store): its `action_id` ends in `n`, its report, actor and time are fixed, and its payload is
 * `payload` (default `{ n }`). Equal `n` and payload give equal records, so a test can compare
 * what it reads back with what it wrote.
 */
export function auditRecord(n: number, payload: Record<string, unknown> = { n }): Record<string, unknown> {
  return {
    action_id: `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`,
    report_id: "11111111-1111-4111-8111-111111111111",
    ts: "2026-03-01T10:12:10+00:00",
    actor: "agent",
    action_type: "evolve",
    payload,
  };
}
