/**
 * Audit-append workloads for syncVsPromise.ts: ~300 bytes appended then fdatasync'd, by one
 * appender, by eight appenders on one log (each syncing alone, or sharing syncs: group commit),
 * and by eight appenders on eight logs, each with `fs.*Sync` and with `fs.promises`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Workload } from "./workload.js";

const LINE = new TextEncoder().encode(`${JSON.stringify({ action_id: "x".repeat(270) })}\n`);
const APPENDERS = 8;

/** The two APIs behind one shape, so each workload is written once. */
interface LogApi {
  write(): Promise<void>;
  datasync(): Promise<void>;
  close(): Promise<void>;
}

type Opener = (file: string) => Promise<LogApi>;

const openSync: Opener = async (file) => {
  const fd = fs.openSync(file, "a");
  return {
    write: async () => void fs.writeSync(fd, LINE),
    datasync: async () => fs.fdatasyncSync(fd),
    close: async () => fs.closeSync(fd),
  };
};

const openPromise: Opener = async (file) => {
  const fh = await fs.promises.open(file, "a");
  return {
    write: async () => void (await fh.write(LINE)),
    datasync: () => fh.datasync(),
    close: () => fh.close(),
  };
};

/**
 * Shares fdatasyncs between concurrent appenders: an appender whose write landed before the
 * sync in flight started waits for it; later ones start the next sync together.
 */
class GroupCommit {
  private written = 0;
  private synced = 0;
  private inflight: Promise<void> | null = null;
  syncs = 0;

  constructor(private readonly log: LogApi) {}

  async append(): Promise<void> {
    await this.log.write();
    const mine = ++this.written;
    while (this.synced < mine) {
      if (this.inflight === null) {
        const upTo = this.written;
        this.syncs++;
        this.inflight = this.log.datasync().then(
          () => {
            this.synced = Math.max(this.synced, upTo);
            this.inflight = null;
          },
          (err: unknown) => {
            this.inflight = null;
            throw err;
          },
        );
      }
      await this.inflight;
    }
  }
}

function oneAppender(open: Opener): Workload["run"] {
  return async (dir, ops) => {
    const log = await open(path.join(dir, "audit.jsonl"));
    for (let i = 0; i < ops; i++) {
      await log.write();
      await log.datasync();
    }
    await log.close();
  };
}

function sharedLog(open: Opener, group: boolean): Workload["run"] {
  return async (dir, ops) => {
    const log = await open(path.join(dir, "audit.jsonl"));
    const commit = new GroupCommit(log);
    const appender = async (): Promise<void> => {
      for (let i = 0; i < ops / APPENDERS; i++) {
        if (group) await commit.append();
        else {
          await log.write();
          await log.datasync();
        }
      }
    };
    await Promise.all(Array.from({ length: APPENDERS }, appender));
    await log.close();
  };
}

function separateLogs(open: Opener): Workload["run"] {
  return async (dir, ops) => {
    await Promise.all(
      Array.from({ length: APPENDERS }, async (_, n) => {
        const log = await open(path.join(dir, `audit-${n}.jsonl`));
        for (let i = 0; i < ops / APPENDERS; i++) {
          await log.write();
          await log.datasync();
        }
        await log.close();
      }),
    );
  };
}

/** The append variants. */
export const appenderWorkloads: Workload[] = [
  { name: "append 300 B + fdatasync, sync", run: oneAppender(openSync) },
  { name: "append 300 B + fdatasync, promise", run: oneAppender(openPromise) },
  { name: "8 appenders, 1 log, own fdatasync, sync", run: sharedLog(openSync, false) },
  { name: "8 appenders, 1 log, own fdatasync, promise", run: sharedLog(openPromise, false) },
  { name: "8 appenders, 1 log, group commit, sync", run: sharedLog(openSync, true) },
  { name: "8 appenders, 1 log, group commit, promise", run: sharedLog(openPromise, true) },
  { name: "8 appenders, 8 logs, sync", run: separateLogs(openSync) },
  { name: "8 appenders, 8 logs, promise", run: separateLogs(openPromise) },
];
