import { atomicReplace, createLockManager, type StorageBackend } from "@living-reports/core";
import type { CrashChecker, Workload } from "../explorer/workload.js";

const INDEX = "index.jsonl";
const encoder = new TextEncoder();

/**
 * The Python service's index update (docs/DESIGN.md#the-python-modules-weaknesses-fixed (item 8)), kept as a mutant: a process keeps the index in
 * memory and rewrites it whole (atomically, but without any lock) after each change, so a
 * second process that loaded it earlier overwrites the first one's entries.
 */
export class MemoryIndex {
  readonly #entries = new Map<string, string>();

  private constructor(private readonly backend: StorageBackend) {}

  /** Loads the index as it is now on disk (missing: empty). */
  static async load(backend: StorageBackend): Promise<MemoryIndex> {
    const index = new MemoryIndex(backend);
    let text = "";
    try {
      text = new TextDecoder().decode(await backend.readFile(INDEX));
    } catch (err) {
      if ((err as { code?: unknown }).code !== "NOT_FOUND") throw err;
    }
    for (const line of text.split("\n").filter((l) => l !== "")) {
      const entry = JSON.parse(line) as { id: string; title: string };
      index.#entries.set(entry.id, entry.title);
    }
    return index;
  }

  /** Sets one entry and rewrites the whole file from memory (atomic replace, no lock). */
  async upsert(id: string, title: string): Promise<void> {
    this.#entries.set(id, title);
    const text = [...this.#entries].map(([i, t]) => `${JSON.stringify({ id: i, title: t })}\n`).join("");
    await atomicReplace(this.backend, INDEX, encoder.encode(text));
  }
}

/** Two processes load the index, then each adds its own entry: both must be kept (G5). */
export const indexRewriteWorkload: Workload = {
  name: "index-rewrite/no-lock",
  description: "two processes rewrite index.jsonl whole from memory, without a lock",
  async run(ctx) {
    const a = await MemoryIndex.load(ctx.backend);
    const b = await MemoryIndex.load(ctx.another());
    await ctx.step(
      "a adds report-a",
      () => a.upsert("report-a", "A"),
      () => "report-a",
    );
    await ctx.step(
      "b adds report-b",
      () => b.upsert("report-b", "B"),
      () => "report-b",
    );
  },
};

/**
 * The control of {@link indexRewriteWorkload}: the same two updates, each made under the index
 * lock from the index as it is on disk then (what the store's index does, in spirit).
 */
export const lockedIndexRewriteWorkload: Workload = {
  name: "index-rewrite/locked",
  description: "two processes rewrite index.jsonl whole, each under the lock from a fresh read",
  async run(ctx) {
    const update = async (backend: StorageBackend, id: string): Promise<string> => {
      const locks = createLockManager(backend);
      const lock = await locks.acquire("index.lock");
      try {
        await (await MemoryIndex.load(backend)).upsert(id, id.toUpperCase());
      } finally {
        await lock.release();
        await locks.close();
      }
      return id;
    };
    await ctx.step("a adds report-a", () => update(ctx.backend, "report-a"));
    await ctx.step("b adds report-b", () => update(ctx.another(), "report-b"));
  },
};

/** Every acknowledged entry of {@link indexRewriteWorkload} is in the index. */
export const indexRewriteChecker: CrashChecker = async (ctx) => {
  let text = "";
  try {
    text = new TextDecoder().decode(await ctx.backend.readFile(INDEX));
  } catch (err) {
    if ((err as { code?: unknown }).code !== "NOT_FOUND") throw err;
  }
  const ids = new Set(
    text.split("\n").flatMap((l) => (l === "" ? [] : [(JSON.parse(l) as { id: string }).id])),
  );
  return ctx.acked.flatMap((s) =>
    ids.has(s.effect as string) ? [] : [`G5: index lost ${String(s.effect)}`],
  );
};
