import * as fs from "node:fs";

/**
 * The state letter of process `pid` in `/proc/<pid>/stat` (`R`, `S`, `T` for stopped, `Z`, ...),
 * or undefined when it is gone. Linux only. The field follows the command name in parentheses,
 * which may itself hold spaces or parentheses, so it is read after the last `)`.
 */
export function processState(pid: number): string | undefined {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
}

/**
 * Waits until process `pid` is stopped (state `T`), polling every 2 ms, for at most `timeoutMs`.
 * Resolves true once it is stopped, false when it ended or the time ran out first.
 */
export async function waitUntilStopped(
  pid: number,
  ended: () => boolean,
  timeoutMs: number,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !ended()) {
    const state = processState(pid);
    if (state === "T") return true;
    if (state === undefined || state === "Z") return false;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  return false;
}
