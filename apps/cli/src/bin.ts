#!/usr/bin/env node
import { type InterruptSignal, processIo, run } from "./main.js";

// SIGINT and SIGTERM end the command cleanly: run() closes its store (releasing the locks and
// the session lock) and resolves to 130 or 143. A second signal exits at once.
const controller = new AbortController();
for (const signal of ["SIGINT", "SIGTERM"] as const satisfies readonly InterruptSignal[]) {
  process.on(signal, () => {
    if (controller.signal.aborted) process.exit(128 + (signal === "SIGINT" ? 2 : 15));
    controller.abort(signal);
  });
}
const code = await run(process.argv.slice(2), processIo(), { signal: controller.signal });
// exitCode instead of process.exit(): pending stdout writes to a pipe are flushed first. After a
// signal, the abandoned command may hold timers or handles: exit once the output is written.
process.exitCode = code;
if (controller.signal.aborted)
  process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
