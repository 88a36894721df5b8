/**
 * Runs one trial in this process and prints its measurement as one JSON line on stdout, or
 * makes a shared store fixture. Run by main.ts:
 * - `node dist/worker.js <workload> <contender> <dir> <ops> <warmup> [<fixture dir>]`
 * - `node dist/worker.js --fixture <reports> <dir>`
 */
import { isContender, isWorkload } from "./names.js";
import { TRIALS } from "./trials/registry.js";
import { writeSyntheticStore } from "./trials/syntheticStore.js";

const args = process.argv.slice(2);
if (args[0] === "--fixture") {
  writeSyntheticStore(args[2] ?? "", Number(args[1]));
  process.exit(0);
}
const [workload = "", contender = "", dir = "", ops = "", warmup = "", fixture] = args;
const trial = isWorkload(workload) && isContender(contender) ? TRIALS[workload][contender] : undefined;
if (trial === undefined) {
  console.error(`worker: no trial for ${workload} / ${contender}`);
  process.exit(2);
}
const measurement = await trial({ dir, ops: Number(ops), warmup: Number(warmup), fixture });
process.stdout.write(`${JSON.stringify(measurement)}\n`);
process.exit(0);
