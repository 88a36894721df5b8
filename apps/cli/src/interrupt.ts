import type { CliIo } from "./io.js";
import { formatJson } from "./output/json.js";
import type { StoreAccess } from "./storeAccess.js";

/** The signals that end a command cleanly. */
export type InterruptSignal = "SIGINT" | "SIGTERM";

const SIGNAL_NUMBER: Readonly<Record<InterruptSignal, number>> = { SIGINT: 2, SIGTERM: 15 };

/** The conventional exit code of a process ended by `signal`: 128 + its number (130, 143). */
export function exitCodeForSignal(signal: InterruptSignal): number {
  return 128 + SIGNAL_NUMBER[signal];
}

/**
 * How long closing the stores may take after a signal before the process gives up on it: the
 * locks are then left to go stale (10 s by default) and be reclaimed, as after a crash.
 */
export const CLOSE_DEADLINE_MS = 5_000;

type Outcome<T> = { result: T; interrupted?: undefined } | { interrupted: InterruptSignal };

/** Resolves with the command's result, or as soon as `signal` aborts (the command is abandoned). */
export async function untilInterrupted<T>(
  work: Promise<T>,
  signal: AbortSignal | undefined,
): Promise<Outcome<T>> {
  if (signal === undefined) return { result: await work };
  const reasonOf = (): InterruptSignal => (signal.reason === "SIGTERM" ? "SIGTERM" : "SIGINT");
  if (signal.aborted) {
    work.catch(() => undefined);
    return { interrupted: reasonOf() };
  }
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<Outcome<T>>((resolve) => {
    onAbort = () => resolve({ interrupted: reasonOf() });
    signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    const outcome = await Promise.race([work.then((result): Outcome<T> => ({ result })), aborted]);
    // An abandoned command may still fail once its store is closed under it: nobody waits for it.
    if (outcome.interrupted !== undefined) work.catch(() => undefined);
    return outcome;
  } finally {
    if (onAbort !== undefined) signal.removeEventListener("abort", onAbort);
  }
}

/**
 * Ends an interrupted run: closes every store it opened (bounded by {@link CLOSE_DEADLINE_MS}),
 * says so on stderr (a JSON error document `INTERRUPTED` with `--json`) and returns the exit code.
 */
export async function interrupt(
  stores: StoreAccess,
  signal: InterruptSignal,
  io: CliIo,
  json: boolean,
): Promise<number> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<"deadline">((resolve) => {
    timer = setTimeout(() => resolve("deadline"), CLOSE_DEADLINE_MS);
  });
  const closed = await Promise.race([stores.interrupt(), deadline]);
  clearTimeout(timer);
  const how =
    closed === "deadline"
      ? `closing the store did not finish within ${CLOSE_DEADLINE_MS} ms: its locks go stale and are reclaimed`
      : closed.length > 0
        ? `closing the store failed (${closed.map(String).join("; ")}): its locks go stale and are reclaimed`
        : "store closed, locks released";
  const message = `interrupted by ${signal}: ${how}`;
  io.stderr.write(
    json ? formatJson({ error: { code: "INTERRUPTED", message } }) : `error INTERRUPTED: ${message}\n`,
  );
  return exitCodeForSignal(signal);
}
