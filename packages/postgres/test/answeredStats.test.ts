import { ErrorCode } from "@living-reports/core";
import pg from "pg";
import { afterEach, describe, expect, it, vi } from "vitest";
import { dropSchema, type PostgresBackend, postgresBackend } from "../src/index.js";
import { adminPool, freshSchema, POSTGRES_URL, reportSkipped } from "./pgTarget.js";

/** The names of the backend's statements run while `fn` runs. */
async function statementsWhile(fn: () => Promise<void>): Promise<string[]> {
  const names: string[] = [];
  const original = pg.Client.prototype.query;
  const spy = vi.spyOn(pg.Client.prototype, "query").mockImplementation(function (
    this: pg.Client,
    ...args: unknown[]
  ) {
    const q = args[0] as { name?: string } | undefined;
    if (typeof q === "object" && typeof q?.name === "string" && q.name !== "lr_incarnation")
      names.push(q.name);
    return (original as (...a: unknown[]) => unknown).apply(this, args) as never;
  });
  try {
    await fn();
  } finally {
    spy.mockRestore();
  }
  return names;
}

// The stats the backend answers without a statement of their own, or in one shared with a write
// (docs/DESIGN.md, the PostgreSQL backend), and statIfExists.
reportSkipped("answered stats");
describe.runIf(POSTGRES_URL !== undefined)("postgres: stats answered with fewer statements", () => {
  const backends: PostgresBackend[] = [];
  let schema: string | undefined;
  const open = () => {
    const b = postgresBackend({ url: POSTGRES_URL ?? "", schema: schema ?? "" });
    backends.push(b);
    return b;
  };
  afterEach(async () => {
    await Promise.all(backends.splice(0).map((b) => b.end()));
    if (schema !== undefined) await dropSchema(adminPool(), schema);
  });

  it("statIfExists answers as stat does, with undefined for an absent name", async () => {
    schema = freshSchema();
    const backend = open();
    await backend.mkdir("d");
    const h = await backend.open("d/f", "w");
    await h.write(Buffer.from("abc"));
    await h.close();
    expect(await backend.statIfExists("d/f")).toEqual(await backend.stat("d/f"));
    expect(await backend.statIfExists("d/absent")).toBeUndefined();
    expect(await backend.statIfExists("absent/f")).toBeUndefined();
    expect((await backend.statIfExists(""))?.kind).toBe("directory");
    await expect(backend.statIfExists("d/f/x")).rejects.toMatchObject({ code: ErrorCode.WRONG_KIND });
    await expect(backend.stat("d/absent")).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
  });

  it("a stat by path after a buffered write sends the write in the same statement", async () => {
    schema = freshSchema();
    const [backend, other] = [open(), open()];
    const h = await backend.open("log", "a");
    await h.write(Buffer.from("line\n"));
    let seen: Awaited<ReturnType<PostgresBackend["statIfExists"]>>;
    const names = await statementsWhile(async () => {
      seen = await backend.statIfExists("log.lock");
    });
    expect(names).toEqual(["lr_write_then_stat"]);
    expect(seen).toBeUndefined();
    expect(Buffer.from(await other.readFile("log")).toString()).toBe("line\n");
    await h.close();
  });

  it("a handle's stat right after its open or sync costs no statement; after another statement it asks again and sees other app servers' changes", async () => {
    schema = freshSchema();
    const [backend, other] = [open(), open()];
    const h = await backend.open("log", "a");
    let size = -1;
    expect(
      await statementsWhile(async () => {
        size = (await h.stat()).size;
      }),
    ).toEqual([]);
    expect(size).toBe(0);
    await h.write(Buffer.from("12345"));
    await h.datasync();
    expect(
      await statementsWhile(async () => {
        size = (await h.stat()).size;
      }),
    ).toEqual([]);
    expect(size).toBe(5);
    // Consumed: the next stat asks.
    expect(
      await statementsWhile(async () => {
        await h.stat();
      }),
    ).toEqual(["lr_fstat"]);
    // Another app server appends after this handle's sync: answered from the sync, the stat would
    // miss it; any statement of this instance since makes the handle ask again, and see it.
    await h.write(Buffer.from("6"));
    await h.datasync();
    const o = await other.open("log", "a");
    await o.write(Buffer.from("789"));
    await o.close();
    await backend.statIfExists("elsewhere");
    expect(
      await statementsWhile(async () => {
        size = (await h.stat()).size;
      }),
    ).toEqual(["lr_fstat"]);
    expect(size).toBe(9);
    await h.close();
  });
});
