import { createLockManager, ErrorCode, isLivingReportsError } from "@living-reports/core";
import pg from "pg";
import { afterEach, describe, expect, it, vi } from "vitest";
import { dropSchema, type PostgresBackend, postgresBackend } from "../src/index.js";
import { adminPool, freshSchema, POSTGRES_URL, reportSkipped } from "./pgTarget.js";

const utf8 = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (isLivingReportsError(err)) return err.code;
    throw err;
  }
  return "resolved";
}

/** The names of the prepared statements (`lr_<function>`) sent while `fn` runs. */
async function statementsOf(fn: () => Promise<void>): Promise<string[]> {
  const names: string[] = [];
  const original = pg.Client.prototype.query;
  const spy = vi.spyOn(pg.Client.prototype, "query").mockImplementation(function (
    this: pg.Client,
    ...args: unknown[]
  ) {
    const q = args[0] as { name?: string } | undefined;
    if (typeof q === "object" && typeof q?.name === "string") names.push(q.name);
    return (original as (...a: unknown[]) => unknown).apply(this, args) as never;
  });
  try {
    await fn();
  } finally {
    spy.mockRestore();
  }
  return names.filter((n) => n !== "lr_incarnation");
}

// What the backend's asynchronous commits promise (docs/DESIGN.md, the PostgreSQL backend): a
// handle's writes go out in one statement, visible once closed, durable at a sync; and a sync that
// follows a crash of the server which may have lost an unsynced change it covers fails.
reportSkipped("durability");
describe.runIf(POSTGRES_URL !== undefined)("postgres durability: asynchronous commits", () => {
  const opened: PostgresBackend[] = [];
  const schemas: string[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((b) => b.end()));
    for (const s of schemas.splice(0)) await dropSchema(adminPool(), s);
  });
  const open = () => {
    const schema = freshSchema();
    schemas.push(schema);
    const make = () => {
      const b = postgresBackend({ url: POSTGRES_URL ?? "", schema, pool: { application_name: schema } });
      opened.push(b);
      return b;
    };
    return { backend: make(), another: make, schema };
  };

  /**
   * What a crash of the server does to this store's clients: crash recovery empties the UNLOGGED
   * incarnation table, and every connection is gone.
   */
  async function simulateCrash(schema: string): Promise<void> {
    await adminPool().query(`TRUNCATE "${schema}".incarnation`);
    await adminPool().query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1",
      [schema],
    );
    // The pool notices its idle connections closing and drops them.
    await new Promise((resolve) => setTimeout(resolve, 200));
  }

  it("a handle's writes go out with its sync, in one statement; a sync with nothing buffered is one too", async () => {
    const { backend } = open();
    const handle = await backend.open("log", "a");
    const sent = await statementsOf(async () => {
      await handle.write(utf8("one\n"));
      await handle.write(utf8("two\n"));
      await handle.datasync();
    });
    expect(sent).toEqual(["lr_write_chunks"]);
    expect(await statementsOf(() => handle.sync())).toEqual(["lr_write_chunks"]);
    await handle.close();
    expect(text(await backend.readFile("log"))).toBe("one\ntwo\n");
  });

  it("what a handle wrote without a sync is visible to another instance once it is closed", async () => {
    const { backend, another } = open();
    const handle = await backend.open("f", "wx");
    await handle.write(utf8("hello"));
    await handle.write(utf8(" world"));
    const sent = await statementsOf(() => handle.close());
    expect(sent).toEqual(["lr_write_chunks"]);
    expect(text(await another().readFile("f"))).toBe("hello world");
  });

  it("an instance reads its own handles' unsent writes by path, as through a page cache", async () => {
    const { backend } = open();
    const handle = await backend.open("f", "w");
    await handle.write(utf8("mine"));
    expect(text(await backend.readFile("f"))).toBe("mine");
    await handle.write(utf8("+more"));
    expect((await backend.stat("f")).size).toBe(9);
    await handle.close();
  });

  it("appends are rows of their own: reads at any position see data and appends in order", async () => {
    const { backend } = open();
    const handle = await backend.open("f", "w");
    await handle.write(utf8("0123456789"));
    await handle.close();
    for (const line of ["abc", "defg", "hi"]) {
      const appender = await backend.open("f", "a");
      await appender.write(utf8(line));
      await appender.close();
    }
    const reader = await backend.open("f", "r+");
    expect(text(await reader.read(6, 8))).toBe("89abcd");
    expect(text(await reader.read(100, 13))).toBe("defghi");
    await reader.write(utf8("XY"), 12);
    expect(text(await reader.read(100, 0))).toBe("0123456789abXYefghi");
    expect((await backend.stat("f")).size).toBe(19);
    await reader.truncate(11);
    await reader.close();
    expect(text(await backend.readFile("f"))).toBe("0123456789a");
  });

  it("a change of names commits synchronously (it covers the unsynced writes before it), and syncDir only checks its path", async () => {
    const { backend, schema } = open();
    expect(backend.capabilities.durableNames).toBe(true);
    await backend.mkdir("d");
    const handle = await backend.open("d/f.tmp", "wx");
    await handle.write(utf8("x"));
    await handle.close();
    await backend.rename("d/f.tmp", "d/f");
    await backend.link("d/f", "d/g");
    await backend.unlink("d/g");
    await backend.replaceFile("d/h", utf8("y"));
    expect(await statementsOf(() => backend.syncDir("d"))).toEqual(["lr_syncdir"]);
    expect(await codeOf(backend.syncDir("missing"))).toBe(ErrorCode.NOT_FOUND);
    expect(await codeOf(backend.syncDir("d/f"))).toBe(ErrorCode.WRONG_KIND);
    // A crash now finds nothing unsynced: the rename's synchronous commit flushed the write before
    // it (the database crash tests check that the names survive a real one).
    await simulateCrash(schema);
    expect(await codeOf(backend.syncDir("d"))).toBe("resolved");
    expect(await codeOf(backend.mkdir("next"))).toBe("resolved");
    expect(text(await backend.readFile("d/f"))).toBe("x");
    expect(await backend.readdir("d")).toEqual(["f", "h"]);
  });

  it("only data writes, utimes and a lease's release commit asynchronously: no function that changes names does", async () => {
    const { backend, schema } = open();
    await backend.ready();
    const rows = await adminPool().query<{ name: string }>(
      `SELECT p.proname AS name FROM pg_proc p WHERE p.pronamespace = $1::regnamespace
         AND p.prosrc LIKE '%synchronous_commit%''off''%' ORDER BY 1`,
      [`"${schema}"`],
    );
    expect(rows.rows.map((r) => r.name)).toEqual(["ftruncate", "release_if", "utimes", "write_chunks"]);
  });

  it("after a crash that may have lost a handle's unsynced writes, its next sync fails FSYNC_FAILED, once", async () => {
    const { backend, schema } = open();
    const handle = await backend.open("f", "w");
    await handle.sync();
    await handle.write(utf8("unsynced"));
    await handle.stat(); // sends the write, committed asynchronously
    await simulateCrash(schema);
    expect(await codeOf(handle.datasync())).toBe(ErrorCode.FSYNC_FAILED);
    await handle.write(utf8("again"));
    expect(await codeOf(handle.datasync())).toBe("resolved");
    await handle.close();
  });

  it("after a crash that may have lost unsynced changes, the next change fails unrun and the locks held are given up and removed", async () => {
    const { backend, another, schema } = open();
    const locks = createLockManager(backend);
    try {
      await backend.mkdir("r");
      const held = await locks.acquire("r/.lock");
      // Unsynced: a file's data written without a sync (a name change would be durable).
      const unsynced = await backend.open("r/f", "wx");
      await unsynced.write(utf8("unsynced"));
      await unsynced.close();
      await simulateCrash(schema);
      // FSYNC_FAILED: mkdir commits synchronously (names are durable when they resolve).
      expect(await codeOf(backend.mkdir("r/next"))).toBe(ErrorCode.FSYNC_FAILED);
      expect(() => held.assertHeld()).toThrow(expect.objectContaining({ code: ErrorCode.LOCK_COMPROMISED }));
      await held.release().catch(() => undefined);
      // The lease's row goes at once: another app server takes the lock without waiting it out.
      const other = createLockManager(another());
      try {
        const next = await other.acquire("r/.lock", { timeoutMs: 2_000 });
        await next.release();
      } finally {
        await other.close();
      }
      // Told once: the next change runs.
      await backend.mkdir("r/next");
    } finally {
      await locks.close();
    }
  });

  it("a crash with nothing unsynced changes nothing for the app server: its locks stay held", async () => {
    const { backend, schema } = open();
    const locks = createLockManager(backend);
    try {
      await backend.mkdir("r");
      await backend.syncDir("");
      const held = await locks.acquire("r/.lock");
      await simulateCrash(schema);
      await backend.mkdir("r/next");
      held.assertHeld();
      await held.release();
    } finally {
      await locks.close();
    }
  });

  it("a synchronous commit makes the earlier asynchronous ones durable: nothing is reported after it", async () => {
    const { backend, schema } = open();
    await backend.mkdir("d");
    await backend.syncDir("");
    const handle = await backend.open("d/f", "w");
    await handle.write(utf8("x"));
    await handle.sync();
    await handle.close();
    await simulateCrash(schema);
    expect(await codeOf(backend.syncDir("d"))).toBe("resolved");
  });
});
