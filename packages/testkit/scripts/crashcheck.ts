/**
 * `npm run crashcheck`: the crash explorer on the standard workloads (or the mutants) over
 * memfs, or node-fs with `--backend node-fs`. Run after a build (it imports the packages' dist/
 * by relative path: testkit may not depend on the backends, which devDepend on it).
 *
 *   npm run crashcheck -- --json --states 20000 [--mode torn] [--seed 7] [--backend node-fs]
 *   npm run crashcheck -- --mutants --json
 */
import type { Clock } from "../../core/dist/index.js";
import { createMemfsDisk, MemfsDisk, type MemfsDiskSnapshot, VirtualClock } from "../../memfs/dist/index.js";
import { nodeFsBackend } from "../../node-fs/dist/index.js";
import {
  type DiskModel,
  describeError,
  directoryMaterializer,
  parseCrashcheckArgs,
  runCrashcheck,
} from "../dist/index.js";

const memfsDisks: DiskModel<MemfsDiskSnapshot> = {
  create: (clock: Clock) => createMemfsDisk({ clock }),
  fromSnapshot: (snapshot, clock) => MemfsDisk.fromSnapshot(snapshot, { clock }),
  clock: (startMs) => new VirtualClock(startMs),
};

try {
  const options = parseCrashcheckArgs(process.argv.slice(2));
  process.exitCode = await runCrashcheck(options, {
    disks: memfsDisks as DiskModel<unknown>,
    materializeNodeFs: directoryMaterializer((root) => nodeFsBackend({ root })),
    stdout: (text) => process.stdout.write(text),
  });
} catch (err) {
  process.stderr.write(`crashcheck: ${describeError(err)}\n`);
  process.exitCode = 2;
}
