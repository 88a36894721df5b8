/**
 * Runs one trial in this process and prints its measurement as one JSON line on stdout, or
 * makes a shared store fixture. Run by main.ts:
 * - `node dist/worker.js <workload> <contender> <dir> <ops> <warmup> [<fixture dir>]`
 * - `node dist/worker.js --fixture <reports> <dir>`
 */
import { type Contender, isContender, isWorkload, NATIVE_SYNC_CONTENDERS } from "./names.js";
import { installSyncCounter } from "./syncCounter.js";

// Before any trial module loads, so that every library sees the counting fsyncs.
await installSyncCounter();
const args = process.argv.slice(2);
if (args[0] === "--fixture") {
  const { writeSyntheticStore } = await import("./trials/syntheticStore.js");
  writeSyntheticStore(args[2] ?? "", Number(args[1]));
  process.exit(0);
}
const [workload = "", contender = "", dir = "", ops = "", warmup = "", fixture] = args;
const { loadTrials } = await import("./trials/registry.js");
const trial =
  isWorkload(workload) && isContender(contender) ? (await loadTrials(workload))[contender] : undefined;
if (trial === undefined) {
  console.error(`worker: no trial for ${workload} / ${contender}`);
  process.exit(2);
}
const measurement = await trial({ dir, ops: Number(ops), warmup: Number(warmup), fixture });
// Their flushes happen in native code, where the node:fs counter sees none: not a count of 0.
if (NATIVE_SYNC_CONTENDERS.includes(contender as Contender)) {
  delete measurement.fsyncs;
  delete measurement.fsyncsEach;
}
process.stdout.write(`${JSON.stringify(measurement)}\n`);
process.exit(0);
