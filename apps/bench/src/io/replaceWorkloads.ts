/**
 * Atomic-replace and metadata workloads for syncVsPromise.ts: each runs `ops` operations in a
 * fresh directory, once with `fs.*Sync` and once with `fs.promises`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Workload } from "./workload.js";

const PAGE = new Uint8Array(4096).fill(0x61);
const { O_RDONLY, O_DIRECTORY } = fs.constants;

/** open tmp, write 4 KiB, fsync, close, rename over the target, fsync the directory. */
async function replaceSync(dir: string, ops: number): Promise<void> {
  const target = path.join(dir, "outline.json");
  for (let i = 0; i < ops; i++) {
    const tmp = `${target}.tmp-${i}`;
    const fd = fs.openSync(tmp, "wx");
    fs.writeSync(fd, PAGE, 0, PAGE.length, 0);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fs.renameSync(tmp, target);
    const dfd = fs.openSync(dir, O_RDONLY | O_DIRECTORY);
    fs.fsyncSync(dfd);
    fs.closeSync(dfd);
  }
}

async function replacePromise(dir: string, ops: number): Promise<void> {
  const target = path.join(dir, "outline.json");
  for (let i = 0; i < ops; i++) {
    const tmp = `${target}.tmp-${i}`;
    const fh = await fs.promises.open(tmp, "wx");
    await fh.write(PAGE, 0, PAGE.length, 0);
    await fh.sync();
    await fh.close();
    await fs.promises.rename(tmp, target);
    const dh = await fs.promises.open(dir, O_RDONLY | O_DIRECTORY);
    await dh.sync();
    await dh.close();
  }
}

/** The replace path with sync metadata calls and promise data calls (write/fsync): the hybrid. */
async function replaceHybrid(dir: string, ops: number): Promise<void> {
  const target = path.join(dir, "outline.json");
  for (let i = 0; i < ops; i++) {
    const tmp = `${target}.tmp-${i}`;
    const fd = fs.openSync(tmp, "wx");
    await new Promise<void>((resolve, reject) =>
      fs.write(fd, PAGE, 0, PAGE.length, 0, (err) => (err ? reject(err) : resolve())),
    );
    await new Promise<void>((resolve, reject) => fs.fsync(fd, (err) => (err ? reject(err) : resolve())));
    fs.closeSync(fd);
    fs.renameSync(tmp, target);
    const dfd = fs.openSync(dir, O_RDONLY | O_DIRECTORY);
    await new Promise<void>((resolve, reject) => fs.fsync(dfd, (err) => (err ? reject(err) : resolve())));
    fs.closeSync(dfd);
  }
}

/** Eight reports replaced at once (8 directories), each loop awaiting its own chain. */
function concurrentReplace(
  run: (dir: string, ops: number) => Promise<void>,
): (dir: string, ops: number) => Promise<void> {
  return async (dir, ops) => {
    const dirs = Array.from({ length: 8 }, (_, i) => path.join(dir, `r${i}`));
    for (const d of dirs) fs.mkdirSync(d);
    await Promise.all(dirs.map((d) => run(d, ops / 8)));
  };
}

/** The atomic-replace variants. */
export const replaceWorkloads: Workload[] = [
  { name: "replace 4 KiB, sync", run: replaceSync },
  { name: "replace 4 KiB, promise", run: replacePromise },
  { name: "replace 4 KiB, hybrid (sync metadata, async write/fsync)", run: replaceHybrid },
  { name: "replace 4 KiB x 8 reports at once, sync", run: concurrentReplace(replaceSync) },
  { name: "replace 4 KiB x 8 reports at once, promise", run: concurrentReplace(replacePromise) },
  { name: "replace 4 KiB x 8 reports at once, hybrid", run: concurrentReplace(replaceHybrid) },
];

/** lstat of a two-level path: what a confinement check costs per uncached component. */
export const metadataWorkloads: Workload[] = [
  {
    name: "lstat, sync",
    run: async (dir, ops) => {
      const p = path.join(dir, "a");
      fs.mkdirSync(p);
      for (let i = 0; i < ops; i++) fs.lstatSync(p);
    },
  },
  {
    name: "lstat, promise",
    run: async (dir, ops) => {
      const p = path.join(dir, "a");
      fs.mkdirSync(p);
      for (let i = 0; i < ops; i++) await fs.promises.lstat(p);
    },
  },
];
