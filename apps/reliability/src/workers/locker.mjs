// @ts-check
/**
 * A lock-only worker: takes locks of a node-fs root through its lock manager (the built
 * packages), logged by the lock-holder log, with no store around them.
 *
 * Usage: `node locker.mjs '<json>'` with
 * `{ root, name, lockLog, marks, lock, mode: "contend", path, times, inFlight }` — take `path`
 * `times` times from `inFlight` concurrent lanes, each hold being one small file write (and a
 * sleep of `holdMs`, if given); or
 * `{ ..., mode: "race", rounds, barrier }` — for each round r: write `<barrier>/ready-<r>-<name>`,
 * wait for `<barrier>/go-<r>`, take `race-<r>.lock` (planted stale by the harness) once, hold it
 * for one small write, release. Exits 0 when done, 1 on any failure (printed to stderr).
 */
import * as fs from "node:fs";
import * as nodePath from "node:path";
import { createLockManager } from "@living-reports/core";
import { nodeFsBackend } from "@living-reports/node-fs";
import { openLockLog } from "./lockLog.mjs";

const config = JSON.parse(process.argv[2] ?? "{}");
const backend = nodeFsBackend({ root: config.root });
const log = openLockLog(config.lockLog, config.marks);
const locks = log.wrapLocks(createLockManager(backend));

/** One hold: the holder writes a small file under the lock (what a real holder does). */
async function holdOnce(/** @type {string} */ path) {
  const handle = await locks.acquire(path, config.lock);
  try {
    handle.assertHeld();
    fs.writeFileSync(nodePath.join(config.root, `${config.name}.touch`), path);
    if (config.holdMs > 0) await new Promise((resolve) => setTimeout(resolve, config.holdMs));
  } finally {
    await handle.release();
  }
}

async function contend() {
  let left = config.times;
  const lane = async () => {
    while (left > 0) {
      left -= 1;
      await holdOnce(config.path);
    }
  };
  await Promise.all(Array.from({ length: config.inFlight }, lane));
}

async function race() {
  for (let r = 0; r < config.rounds; r++) {
    fs.writeFileSync(nodePath.join(config.barrier, `ready-${r}-${config.name}`), "");
    const go = nodePath.join(config.barrier, `go-${r}`);
    while (!fs.existsSync(go)) await new Promise((resolve) => setTimeout(resolve, 1));
    await holdOnce(`race-${r}.lock`);
  }
}

try {
  await (config.mode === "race" ? race() : contend());
  await locks.close();
} catch (err) {
  process.stderr.write(`${String(err)}\n`);
  process.exitCode = 1;
}
