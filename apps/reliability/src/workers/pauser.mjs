// @ts-check
/**
 * The paused writer of the fencing test (`../pause/`): opens the store at `root` over the BUILT
 * packages with short lock times and runs ONE `update` of report `id`: a read, then the outline
 * written back with `metadata.paused_writer = marker` and `force` (a pause before it takes the
 * lock lets the other writer commit first; the paused writer must then still resolve or fail
 * with LOCK_COMPROMISED, and a version check would only add VERSION_CONFLICT to the outcomes).
 * Its backend is wrapped so that every mutating call the update makes (lock files aside) is
 * counted and logged to `steps`, and at the `pauseAt`-th one it stops itself with SIGSTOP,
 * right before or right after the call.
 *
 * Usage: `node pauser.mjs '<json>'` with the fields of {@link PauserConfig} (../pause/pauseConfig.ts).
 *
 * `steps` gets one line per counted call, written synchronously before the call is made
 * (`{"k","op","path"}`), and `{"stop":"before"|"after","k"}` just before the SIGSTOP; `result`
 * gets the update's outcome (`{"outcome":"resolved","version"}` or
 * `{"outcome":"rejected","code","message"}`) and then how `close()` went. Exits 0 either way:
 * the outcome is in the file.
 */
import * as fs from "node:fs";
import { DelegatingBackend, DelegatingHandle, isLivingReportsError, openReports } from "@living-reports/core";
import { nodeFsBackend } from "@living-reports/node-fs";

/** @type {import("../pause/pauseConfig.ts").PauserConfig} */
const config = JSON.parse(process.argv[2] ?? "{}");

/** Lock directories and their guards, markers: the lock protocol's own files, not the commit's. */
const LOCK_FILE = /\.lock(\.|\/|$)/;
let armed = false;
let count = 0;

/** @param {Record<string, unknown>} line */
const log = (line) => fs.appendFileSync(config.steps, `${JSON.stringify(line)}\n`);

/** @param {number} k @param {"before" | "after"} when */
function stopHere(k, when) {
  if (k !== config.pauseAt || when !== config.when) return;
  log({ stop: when, k });
  // Stops the whole process (every thread) at once; the parent sees state T in /proc and
  // resumes it with SIGCONT.
  process.kill(process.pid, "SIGSTOP");
}

/**
 * Runs `call` as counted step `op` on `path` (unless disarmed or a lock file), stopping before
 * or after it when it is the chosen one.
 * @template T @param {string} op @param {string} path @param {() => Promise<T>} call @returns {Promise<T>}
 */
async function step(op, path, call) {
  if (!armed || LOCK_FILE.test(path)) return await call();
  const k = ++count;
  log({ k, op, path });
  stopHere(k, "before");
  try {
    return await call();
  } finally {
    stopHere(k, "after");
  }
}

class PausingHandle extends DelegatingHandle {
  /** @param {Uint8Array} data @param {number} [position] */
  write(data, position) {
    return step("write", this.path, () => super.write(data, position));
  }
  sync() {
    return step("sync", this.path, () => super.sync());
  }
  datasync() {
    return step("datasync", this.path, () => super.datasync());
  }
  /** @param {number} length */
  truncate(length) {
    return step("truncate", this.path, () => super.truncate(length));
  }
}

class PausingBackend extends DelegatingBackend {
  /** @param {string} path @param {import("@living-reports/core").OpenMode} mode */
  async open(path, mode) {
    if (mode === "r") return await super.open(path, mode);
    return new PausingHandle(await step(`open ${mode}`, path, () => super.open(path, mode)));
  }
  /** @param {string} path */
  syncDir(path) {
    return step("syncDir", path, () => super.syncDir(path));
  }
  /** @param {string} from @param {string} to */
  rename(from, to) {
    return step("rename", `${from} -> ${to}`, () => super.rename(from, to));
  }
  /** @param {string} existing @param {string} to */
  link(existing, to) {
    return step("link", `${existing} -> ${to}`, () => super.link(existing, to));
  }
  /** @param {string} path */
  unlink(path) {
    return step("unlink", path, () => super.unlink(path));
  }
  /** @param {string} path */
  mkdir(path) {
    return step("mkdir", path, () => super.mkdir(path));
  }
  /** @param {string} path */
  rmdir(path) {
    return step("rmdir", path, () => super.rmdir(path));
  }
  /** @param {string} path @param {number} mtimeMs */
  utimes(path, mtimeMs) {
    return step("utimes", path, () => super.utimes(path, mtimeMs));
  }
}

const store = await openReports(new PausingBackend(nodeFsBackend({ root: config.root })), {
  lock: config.lock,
  actor: "agent",
});
const outline = await store.get(config.id);
const next = { ...outline, metadata: { ...outline.metadata, paused_writer: config.marker } };
/** @type {Record<string, unknown>} */
let result;
armed = true;
try {
  const done = await store.update(next, { force: true, requestId: config.requestId });
  result = { outcome: "resolved", version: done.outline_version };
} catch (err) {
  result = {
    outcome: "rejected",
    code: isLivingReportsError(err) ? err.code : "UNTYPED",
    message: String(err),
  };
}
armed = false;
fs.writeFileSync(config.result, `${JSON.stringify(result)}\n`);
try {
  await store.close();
  result.close = "ok";
} catch (err) {
  result.close = isLivingReportsError(err) ? err.code : String(err);
}
fs.writeFileSync(config.result, `${JSON.stringify(result)}\n`);
