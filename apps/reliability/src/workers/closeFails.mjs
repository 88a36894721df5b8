// A process that writes through a store and closes it while the disk refuses (EROFS) to make the
// session lock's removal durable: close() fails. The process then returns from its work without process.exit():
// it ends only if close released its files and stopped its lock-refresh timers anyway.
// argv: <root> <report id>. Prints one JSON line: what close did and the handles it left.
import { readdirSync } from "node:fs";
import { openReports } from "@living-reports/core";
import { nodeFsBackend } from "@living-reports/node-fs";
import { injectFaults } from "@living-reports/testkit";

const [root, id] = process.argv.slice(2);
const openFds = () => readdirSync("/proc/self/fd").length;
const fdsBefore = openFds();
const store = await openReports(
  injectFaults(nodeFsBackend({ root }), [
    // The first sync of .sessions/ is the session's start; the second, its removal at close.
    { op: "syncDir", path: ".sessions", nth: 2, error: "EROFS", times: "always" },
  ]),
);
await store.tag(id, { add: ["before-close"] });
let closed = "ok";
try {
  await store.close();
} catch (err) {
  closed = err.code ?? String(err);
}
const leakedFds = openFds() - fdsBefore;
const resources = process.getActiveResourcesInfo().filter((r) => r !== "TTYWrap");
process.stdout.write(`${JSON.stringify({ closed, leakedFds, resources })}\n`);
