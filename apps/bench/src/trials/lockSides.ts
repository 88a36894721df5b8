import * as fs from "node:fs";
import { join } from "node:path";
import { createLockManager } from "@living-reports/core";
import { nodeFsBackend } from "@living-reports/node-fs";
import lockfile from "proper-lockfile";
import type { Contender } from "../names.js";
import { postgresLockSide } from "./postgres.js";

/** One lock user (a store instance, or a process): acquires the bench lock, giving its release. */
export interface LockSide {
  acquire(): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** Whether the lock will be waited for (hand-off) or only ever taken free (uncontended). */
export type LockUse = "uncontended" | "handoff";

/** The folder the bench lock guards, under the trial's directory. */
const REPORT = "report";

/**
 * proper-lockfile's retry for the default contender when it must wait: its real default is
 * `retries: 0` (a held lock fails at once with ELOCKED, so a hand-off cannot happen at all); this
 * keeps the `retry` module's default timing (first retry after 1 s, doubling) and only allows
 * retries. The tuned contender polls every millisecond.
 */
const DEFAULT_WAITING = { retries: 10 };
const TUNED = { retries: { retries: 2_000, factor: 1, minTimeout: 1, maxTimeout: 1 } };

/** Prepares the lock's folder (and the file proper-lockfile locks) under `dir`. */
export function prepareLockDir(dir: string): void {
  fs.mkdirSync(join(dir, REPORT), { recursive: true });
  fs.writeFileSync(join(dir, REPORT, "outline.json"), "{}");
}

/** The lock users of each lock contender; each call makes an independent one (own manager). */
export const lockSides: Partial<Record<Contender, (dir: string, use: LockUse) => LockSide>> = {
  "living-reports": (dir) => {
    const backend = nodeFsBackend({ root: dir });
    const locks = createLockManager(backend);
    return {
      acquire: async () => {
        const handle = await locks.acquire(`${REPORT}/.lock`);
        return () => handle.release();
      },
      close: () => locks.close(),
    };
  },
  "living-reports-postgres": (dir) => postgresLockSide(dir),
  "proper-lockfile": (dir, use) => properSide(dir, use === "handoff" ? DEFAULT_WAITING : {}),
  "proper-lockfile-tuned": (dir) => properSide(dir, TUNED),
};

function properSide(dir: string, options: lockfile.LockOptions): LockSide {
  const file = join(dir, REPORT, "outline.json");
  return {
    acquire: () => lockfile.lock(file, options),
    close: async () => undefined,
  };
}
