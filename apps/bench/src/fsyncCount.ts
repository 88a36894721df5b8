import { MARK_BEGIN, MARK_END } from "./trials/trialContext.js";

const SYNC_CALL = /\b(fsync|fdatasync)\(/;

/**
 * Counts the fsync and fdatasync calls in an `strace -f` log between the trial's begin and end
 * marks (an `access()` of a marker path). A call strace splits (`<unfinished ...>` then
 * `<... resumed>`) is counted once, at its start.
 * @throws Error when the log holds no begin or no end mark (the trial did not run to the end)
 */
export function countFsyncs(log: string): number {
  let inside = false;
  let seen = 0;
  let count = 0;
  for (const line of log.split("\n")) {
    if (line.includes(MARK_BEGIN)) {
      inside = true;
      seen |= 1;
    } else if (line.includes(MARK_END)) {
      inside = false;
      seen |= 2;
    } else if (inside && SYNC_CALL.test(line)) {
      count++;
    }
  }
  if (seen !== 3) throw new Error("strace log without both bench marks");
  return count;
}
