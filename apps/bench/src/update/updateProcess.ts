/**
 * One writer of `update-8-processes` (forked by processes.ts):
 * `node updateProcess.js <contender> <dir> <ops> <warmup>`. Opens the prepared store with the
 * contender's engine, creates its report, warms up, says `ready`; on `go` runs its updates, timing
 * each, and answers `done` with the latencies and the fsyncs it made; closes and exits once
 * disconnected.
 */
import { isContender } from "../names.js";
import { installSyncCounter, syncCount } from "../syncCounter.js";
import type { UpdateProcessMessage } from "./processes.js";

// Before the engine loads, so that every library sees the counting fsyncs.
await installSyncCounter();
const [contender = "", dir = "", opsText = "", warmupText = ""] = process.argv.slice(2);
const send = (m: UpdateProcessMessage) => process.send?.(m);
if (!isContender(contender) || process.send === undefined) {
  console.error(`updateProcess: no contender ${contender}, or not forked with IPC`);
  process.exit(2);
}
try {
  const { loadEngine } = await import("./engine.js");
  const session = await (await loadEngine(contender)).open(dir);
  const report = await session.create();
  const ops = Number(opsText);
  const warmup = Number(warmupText);
  for (let i = 0; i < warmup; i++) await session.update(report, i);
  process.once("message", async (m: UpdateProcessMessage) => {
    if (m.type !== "go") return;
    try {
      const latenciesUs: number[] = [];
      const syncs = syncCount();
      for (let i = warmup; i < warmup + ops; i++) {
        const t = performance.now();
        await session.update(report, i);
        latenciesUs.push((performance.now() - t) * 1000);
      }
      send({ type: "done", latenciesUs, fsyncs: syncCount() - syncs });
    } catch (err) {
      send({ type: "error", error: String(err) });
    }
  });
  process.once("disconnect", () => {
    void session.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
  send({ type: "ready" });
} catch (err) {
  send({ type: "error", error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  process.exitCode = 1;
}
