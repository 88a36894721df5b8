import { LivingReportsError } from "../../errors/livingReportsError.js";

/**
 * Runs every step, each one even when an earlier one failed (a shutdown must release everything
 * it can: a failed session-lock removal must not leave the audit logs open or the lock timers
 * running), then throws the first failure. When several failed, the first one's code is kept and
 * the others ride along in `details.alsoFailed` (their messages) and the message; the first is
 * the `cause`.
 *
 * @throws the first step's error (a LivingReportsError carrying the others when there are several)
 */
export async function runAll(steps: ReadonlyArray<() => Promise<void>>): Promise<void> {
  const errors: unknown[] = [];
  for (const step of steps) {
    try {
      await step();
    } catch (err) {
      errors.push(err);
    }
  }
  const [first, ...others] = errors;
  if (errors.length === 0) return;
  if (others.length === 0 || !(first instanceof LivingReportsError)) throw first;
  const also = others.map((e) => (e instanceof Error ? e.message : String(e)));
  throw new LivingReportsError(first.code, `${first.message} (and also: ${also.join("; ")})`, {
    cause: first,
    ...(first.path === undefined ? {} : { path: first.path }),
    ...(first.id === undefined ? {} : { id: first.id }),
    ...(first.syscode === undefined ? {} : { syscall: first.syscode }),
    details: { ...first.details, alsoFailed: also },
  });
}
