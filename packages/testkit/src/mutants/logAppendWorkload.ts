import { AuditLog, type StorageBackend } from "@living-reports/core";
import type { CrashChecker, Workload } from "../explorer/workload.js";
import { between } from "../workloads/storeSetup.js";
import { pythonAppend } from "./pythonAppend.js";

const LOG = "log/audit.jsonl";
/** The `n` of the line the next process appends after the crash. */
const NEXT = 999;

/** How a log gets its lines: the append, and what a process does before its first append. */
export interface LogAppender {
  readonly name: string;
  /** Appends one JSON object as a line; durable once it resolves. */
  append(backend: StorageBackend, path: string, record: Record<string, unknown>): Promise<void>;
}

/** The Python module's temp-file-then-copy append (a mutant). */
export const pythonAppender: LogAppender = {
  name: "python-append",
  append: (backend, path, record) => pythonAppend(backend, path, `${JSON.stringify(record)}\n`),
};

/** The project's framed audit log: torn tails cut on open, one write + fdatasync per append. */
export const auditLogAppender: LogAppender = {
  name: "audit-log",
  async append(backend, path, record) {
    const log = new AuditLog(backend, path);
    await log.open({ repairTail: true });
    try {
      await log.append(record);
    } finally {
      await log.close();
    }
  },
};

/**
 * Appends 3-4 lines to `log/audit.jsonl` with `appender`, one step each: every acknowledged line
 * must survive any crash, and the next append after the crash must not be lost or glued.
 */
export function logAppendWorkload(appender: LogAppender): Workload {
  return {
    name: `log-append/${appender.name}`,
    description: "appends lines to one log; after the crash a new process appends once more",
    async setup(ctx) {
      await ctx.backend.mkdir("log");
      await ctx.backend.syncDir("");
    },
    async run(ctx) {
      const count = between(ctx.rand, 3, 4);
      for (let n = 0; n < count; n++) {
        await ctx.step(
          `append ${n}`,
          () => appender.append(ctx.backend, LOG, { n, text: `event ${n}` }),
          () => n,
        );
      }
    },
  };
}

/**
 * The checker of {@link logAppendWorkload}: the next process appends line 999 the same way,
 * then every line must parse, every acknowledged line and line 999 must be there exactly once.
 */
export function logAppendChecker(appender: LogAppender): CrashChecker {
  return async (ctx) => {
    await appender.append(ctx.backend, LOG, { n: NEXT, text: "after the crash" });
    const text = new TextDecoder().decode(await ctx.backend.readFile(LOG));
    const seen = new Map<number, number>();
    const out: string[] = [];
    text
      .split("\n")
      .slice(0, -1)
      .forEach((line, i) => {
        try {
          const n = (JSON.parse(line) as { n?: unknown }).n;
          if (typeof n === "number") seen.set(n, (seen.get(n) ?? 0) + 1);
        } catch {
          out.push(`G3: line ${i + 1} of ${LOG} does not parse: ${JSON.stringify(line.slice(0, 60))}`);
        }
      });
    const expected = [...ctx.acked.map((s) => s.effect), NEXT];
    for (const n of expected) {
      const times = seen.get(n as number) ?? 0;
      if (times !== 1) out.push(`G2/G3: line n=${String(n)} appears ${times} times, expected once`);
    }
    return out;
  };
}
