import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import { join } from "node:path";
import { atomicReplace } from "@living-reports/core";
import { nodeFsBackend } from "@living-reports/node-fs";
import { writeFile as atomicallyWrite } from "atomically";
import { Writer } from "steno";
import writeFileAtomic from "write-file-atomic";
import { outlineOfSize } from "../fixtures.js";
import type { Contender } from "../names.js";
import { sequential, type Trial, type TrialContext } from "./trialContext.js";

const TARGET = "outline.json";

/** The atomic-replace trials of `replace-4k` / `replace-64k`, over an outline JSON of `bytes`. */
export function replaceTrials(bytes: number): Partial<Record<Contender, Trial>> {
  const text = (i: number) =>
    JSON.stringify({ ...outlineOfSize(bytes), title: `Growth review ${i}` }, null, 2);
  // One document per op index, made before the clock starts: every contender writes the same bytes.
  const documents = (ctx: TrialContext) => Array.from({ length: ctx.warmup + ctx.ops }, (_, i) => text(i));
  return {
    "living-reports": async (ctx) => {
      const backend = nodeFsBackend({ root: ctx.dir });
      const docs = documents(ctx).map((d) => Buffer.from(d));
      return await sequential(ctx, (i) => atomicReplace(backend, TARGET, docs[i] as Buffer));
    },
    "node-baseline-sync": async (ctx) => {
      const docs = documents(ctx).map((d) => Buffer.from(d));
      const target = join(ctx.dir, TARGET);
      return await sequential(ctx, (i) => replaceSync(ctx.dir, target, docs[i] as Buffer));
    },
    "node-baseline-async": async (ctx) => {
      const docs = documents(ctx).map((d) => Buffer.from(d));
      const target = join(ctx.dir, TARGET);
      return await sequential(ctx, (i) => replaceAsync(ctx.dir, target, docs[i] as Buffer));
    },
    "write-file-atomic": async (ctx) => {
      const docs = documents(ctx).map((d) => Buffer.from(d));
      const target = join(ctx.dir, TARGET);
      return await sequential(ctx, (i) => writeFileAtomic(target, docs[i] as Buffer));
    },
    atomically: async (ctx) => {
      const docs = documents(ctx).map((d) => Buffer.from(d));
      const target = join(ctx.dir, TARGET);
      return await sequential(ctx, (i) => atomicallyWrite(target, docs[i] as Buffer));
    },
    steno: async (ctx) => {
      const docs = documents(ctx);
      const writer = new Writer(join(ctx.dir, TARGET));
      return await sequential(ctx, (i) => writer.write(docs[i] as string));
    },
  };
}

/** The hand-written floor: open a unique temp, write, fsync, close, rename, fsync the directory. */
export function replaceSync(dir: string, target: string, data: Buffer): void {
  const temp = `${target}.tmp-${randomBytes(8).toString("hex")}`;
  const fd = fs.openSync(temp, "wx");
  try {
    fs.writeSync(fd, data, 0, data.length, 0);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temp, target);
  syncDirSync(dir);
}

/** {@link replaceSync} over `fs.promises`. */
export async function replaceAsync(dir: string, target: string, data: Buffer): Promise<void> {
  const temp = `${target}.tmp-${randomBytes(8).toString("hex")}`;
  const handle = await fs.promises.open(temp, "wx");
  try {
    await handle.write(data, 0, data.length, 0);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.promises.rename(temp, target);
  const dirHandle = await fs.promises.open(dir, "r");
  try {
    await dirHandle.sync();
  } finally {
    await dirHandle.close();
  }
}

/** fsync of a directory: makes the entries created or renamed in it durable. */
export function syncDirSync(dir: string): void {
  const fd = fs.openSync(dir, "r");
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
