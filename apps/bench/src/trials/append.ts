import * as fs from "node:fs";
import { join } from "node:path";
import { AuditLog } from "@living-reports/core";
import { nodeFsBackend } from "@living-reports/node-fs";
import { evolveEvent } from "../fixtures.js";
import type { Contender } from "../names.js";
import { concurrent, sequential, type Trial, type TrialContext } from "./trialContext.js";

const LOG = "audit.jsonl";
const REPORT_ID = "6f1c2a4e-8b3d-4c5e-9f70-1a2b3c4d5e6f";

/** Appends one event; `writer` is which of the concurrent writers calls. */
type Append = (writer: number, i: number) => Promise<void>;

/** Builds the contender's append function over a log in `ctx.dir`, and its cleanup. */
type Opener = (ctx: TrialContext) => Promise<{ append: Append; close: () => Promise<void> }>;

const openers: Partial<Record<Contender, Opener>> = {
  "living-reports": async (ctx) => {
    const log = new AuditLog(nodeFsBackend({ root: ctx.dir }), LOG);
    await log.open();
    return {
      append: async (_w, i) => {
        await log.append(evolveEvent(REPORT_ID, i + 2));
      },
      close: () => log.close(),
    };
  },
  "node-baseline-sync": async (ctx) => {
    const fd = fs.openSync(join(ctx.dir, LOG), "a");
    return {
      append: async (_w, i) => {
        const line = Buffer.from(`${JSON.stringify(evolveEvent(REPORT_ID, i + 2))}\n`);
        fs.writeSync(fd, line);
        fs.fdatasyncSync(fd);
      },
      close: async () => fs.closeSync(fd),
    };
  },
  "node-baseline-async": async (ctx) => {
    const handle = await fs.promises.open(join(ctx.dir, LOG), "a");
    return {
      append: async (_w, i) => {
        const line = Buffer.from(`${JSON.stringify(evolveEvent(REPORT_ID, i + 2))}\n`);
        await handle.write(line);
        await handle.datasync();
      },
      close: () => handle.close(),
    };
  },
};

/** The trials of `append` (one writer) and `append-8-concurrent` (`writers` loops on one log). */
export function appendTrials(writers: number): Partial<Record<Contender, Trial>> {
  const trials: Partial<Record<Contender, Trial>> = {};
  for (const [name, open] of Object.entries(openers) as [Contender, Opener][]) {
    trials[name] = async (ctx) => {
      const { append, close } = await open(ctx);
      try {
        return writers === 1
          ? await sequential(ctx, (i) => append(0, i))
          : await concurrent(ctx, writers, append);
      } finally {
        await close();
      }
    };
  }
  return trials;
}
