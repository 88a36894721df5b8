// @ts-check
/**
 * A lock-holder log for real processes: wraps a backend so that every lock its store takes is
 * recorded in one shared append-only file, and checked against a per-lock holder marker.
 *
 * Each record is one `write(2)` of one line to a file opened `O_APPEND`, so records of all
 * processes are totally ordered by the file itself (no clock comparison needed):
 *   `{"e":"req"|"acq"|"rel"|"comp"|"double","pid","h","path","t"}`
 * `acq` is written after the lock manager granted the lock and `rel` before it is released, so a
 * correct lock never shows two `acq` for one path without a `rel` between them. A second,
 * independent check: at `acq` the holder creates `<marks>/<path>` with `O_EXCL` and removes it at
 * `rel`; finding it present with a live owner is a double hold, logged as `double` at once (this
 * catches an overlap even when the log lines of the two holders happen to be ordered harmlessly).
 */
import * as fs from "node:fs";
import * as nodePath from "node:path";

let seq = 0;

/** Microseconds of wall time (comparable across processes of one machine). */
export function nowMicros() {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}

/**
 * @param {string} logFile - the shared log
 * @param {string} marksDir - directory of the holder markers (shared, exists)
 */
export function openLockLog(logFile, marksDir) {
  const fd = fs.openSync(logFile, "a");
  /** @param {Record<string, unknown>} record */
  const write = (record) => {
    fs.writeSync(fd, `${JSON.stringify({ ...record, pid: process.pid, t: nowMicros() })}\n`);
  };
  /** @param {string} path */
  const markOf = (path) => nodePath.join(marksDir, path.replaceAll("/", "__"));
  /** @param {string} path @param {number} h */
  const mark = (path, h) => {
    const file = markOf(path);
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        fs.writeFileSync(file, String(process.pid), { flag: "wx" });
        return;
      } catch (err) {
        if (/** @type {NodeJS.ErrnoException} */ (err).code !== "EEXIST") throw err;
      }
      const owner = Number(fs.readFileSync(file, "utf8"));
      if (isAlive(owner)) {
        write({ e: "double", h, path, other: owner });
        return;
      }
      // The marker of a killed holder: stale, take it over.
      fs.rmSync(file, { force: true });
    }
  };
  /** @param {string} path */
  const unmark = (path) => {
    const file = markOf(path);
    try {
      if (Number(fs.readFileSync(file, "utf8")) === process.pid) fs.rmSync(file, { force: true });
    } catch {
      // Already gone: nothing to undo.
    }
  };
  return {
    write,
    /**
     * Wraps a lock manager so that every acquisition and release is logged and marked.
     * @param {import("@living-reports/core").LockManager} inner
     * @returns {import("@living-reports/core").LockManager}
     */
    wrapLocks(inner) {
      return {
        get clock() {
          return inner.clock;
        },
        close: () => inner.close(),
        async acquire(path, options) {
          const h = ++seq;
          write({ e: "req", h, path });
          let handle;
          try {
            handle = await inner.acquire(path, options);
          } catch (err) {
            write({ e: "gaveup", h, path });
            throw err;
          }
          write({ e: "acq", h, path });
          mark(path, h);
          handle.onCompromised(() => write({ e: "comp", h, path }));
          let released = false;
          return {
            path: handle.path,
            get compromised() {
              return handle.compromised;
            },
            assertHeld: () => handle.assertHeld(),
            onCompromised: (fn) => handle.onCompromised(fn),
            contended: () => handle.contended(),
            onWaiter: (fn) => handle.onWaiter(fn),
            release() {
              if (!released) {
                released = true;
                unmark(path);
                write({ e: "rel", h, path });
              }
              return handle.release();
            },
          };
        },
      };
    },
  };
}

/** @param {number} pid */
function isAlive(pid) {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return /** @type {NodeJS.ErrnoException} */ (err).code === "EPERM";
  }
}
