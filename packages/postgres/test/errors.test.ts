import { ErrorCode, isLivingReportsError } from "@living-reports/core";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { dropSchema, fromPgError, type PostgresBackend, postgresBackend } from "../src/index.js";
import { isConnectionLoss, isRetryable } from "../src/pgErrors.js";
import { adminPool, freshSchema, POSTGRES_URL, reportSkipped } from "./pgTarget.js";

/** A pg-like error with a SQLSTATE or errno. */
const withCode = (code: string, message = "boom") => Object.assign(new Error(message), { code });

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (isLivingReportsError(err)) return err.code;
    throw err;
  }
  throw new Error("expected a rejection");
}

describe("postgres errors: the mapping", () => {
  const call = { op: "rename", path: "a/b" };
  it.each([
    ["53100", ErrorCode.NO_SPACE],
    ["25006", ErrorCode.READ_ONLY],
    ["42501", ErrorCode.PERMISSION_DENIED],
    ["57014", ErrorCode.STORAGE_FAILURE],
    ["40001", ErrorCode.STORAGE_FAILURE],
    ["ECONNREFUSED", ErrorCode.STORAGE_FAILURE],
    ["ECONNRESET", ErrorCode.STORAGE_FAILURE],
    ["LRNOT", ErrorCode.NOT_FOUND],
    ["LREXI", ErrorCode.ALREADY_EXISTS],
    ["LRKND", ErrorCode.WRONG_KIND],
  ])("%s → %s, with the path, the state as syscode and the cause", (state, code) => {
    const cause = withCode(state);
    const err = fromPgError(cause, call);
    expect(err.code).toBe(code);
    expect(err.path).toBe("a/b");
    expect(err.cause).toBe(cause);
    expect(err.syscode).toBeDefined();
  });

  it("any failure of a sync is FSYNC_FAILED, a lost connection said to be in doubt", () => {
    const lost = fromPgError(new Error("Connection terminated unexpectedly"), { op: "fsync", path: "f" });
    expect(lost.code).toBe(ErrorCode.FSYNC_FAILED);
    expect(lost.message).toContain("in doubt");
    expect(fromPgError(withCode("53100"), { op: "fsync", path: "f" }).code).toBe(ErrorCode.FSYNC_FAILED);
  });

  it("only rolled-back statements are retryable; a refused connection is not a lost one", () => {
    expect(isRetryable(withCode("40001"))).toBe(true);
    expect(isRetryable(withCode("40P01"))).toBe(true);
    expect(isRetryable(withCode("ECONNRESET"))).toBe(false);
    expect(isRetryable(new Error("Connection terminated unexpectedly"))).toBe(false);
    expect(isConnectionLoss(withCode("ECONNRESET"))).toBe(true);
    expect(isConnectionLoss(withCode("57P01"))).toBe(true);
    expect(isConnectionLoss(withCode("ECONNREFUSED"))).toBe(false);
    expect(fromPgError(withCode("ECONNREFUSED"), call).message).toContain("nothing was done");
  });

  it("a server that refuses connections fails the first call with STORAGE_FAILURE", async () => {
    const backend = postgresBackend({ url: "postgres://nobody@127.0.0.1:1/none", schema: "x" });
    try {
      const err = await backend.stat("").catch((e: unknown) => e);
      expect(err).toMatchObject({ code: ErrorCode.STORAGE_FAILURE, syscode: "ECONNREFUSED" });
    } finally {
      await backend.end();
    }
  });

  it("refuses a bad schema name with INVALID_INPUT before connecting", () => {
    expect(() => postgresBackend({ url: "postgres://x/y", schema: "Robert'); DROP TABLE" })).toThrowError(
      expect.objectContaining({ code: ErrorCode.INVALID_INPUT }),
    );
  });
});

reportSkipped("errors");
describe.runIf(POSTGRES_URL !== undefined)("postgres errors: on a server", () => {
  const opened: PostgresBackend[] = [];
  const schemas: string[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((b) => b.end()));
    for (const s of schemas.splice(0)) await dropSchema(adminPool(), s);
  });
  const open = (options: { statementTimeoutMs?: number } = {}) => {
    const schema = freshSchema();
    schemas.push(schema);
    // Its own application name, so that the tests below terminate only its connections.
    const b = postgresBackend({
      url: POSTGRES_URL ?? "",
      schema,
      pool: { application_name: schema },
      ...options,
    });
    opened.push(b);
    return { backend: b, schema };
  };

  /** Holds the row lock of the inode at `path` in an open admin transaction until `release()`. */
  async function blockInode(schema: string, path: string): Promise<{ release(): Promise<void> }> {
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    await client.query("BEGIN");
    await client.query(
      `SELECT 1 FROM "${schema}".inodes WHERE ino = (SELECT o_ino FROM "${schema}".lookup($1)) FOR UPDATE`,
      [path],
    );
    return {
      release: async () => {
        await client.query("ROLLBACK");
        await client.end();
      },
    };
  }

  /** Waits until one of this schema's statements waits for a lock, then terminates its connection. */
  async function killWaitingConnection(schema: string): Promise<void> {
    for (;;) {
      const r = await adminPool().query(
        "SELECT pg_terminate_backend(pid) AS t FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'",
        [schema],
      );
      if (r.rows.length > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it("a connection whose synchronous_commit is off is refused at ready(), before any store is made; local is kept", async () => {
    // (fsync, checked the same way, is server-wide: a connection cannot turn it off to test it.)
    const withSetting = (value: string) => {
      const schema = freshSchema();
      schemas.push(schema);
      const b = postgresBackend({
        url: POSTGRES_URL ?? "",
        schema,
        pool: { application_name: schema, options: `-c synchronous_commit=${value}` },
      });
      opened.push(b);
      return { backend: b, schema };
    };
    const off = withSetting("off");
    await expect(off.backend.ready()).rejects.toMatchObject({
      code: ErrorCode.STORAGE_FAILURE,
      details: { setting: "synchronous_commit", value: "off" },
    });
    await expect(off.backend.readdir("")).rejects.toMatchObject({ code: ErrorCode.STORAGE_FAILURE });
    const made = await adminPool().query("SELECT 1 FROM pg_namespace WHERE nspname = $1", [off.schema]);
    expect(made.rows).toEqual([]);
    const local = withSetting("local");
    await local.backend.ready();
    expect(await local.backend.readdir("")).toEqual([]);
  });

  it("a connection lost during sync is FSYNC_FAILED; the next sync on a fresh connection succeeds", async () => {
    const { backend, schema } = open();
    const handle = await backend.open("f", "w");
    await handle.write(new TextEncoder().encode("data"), 0);
    const block = await blockInode(schema, "f");
    try {
      // Settled at once: its rejection may come while the connection is being terminated.
      const sync = codeOf(handle.sync());
      await killWaitingConnection(schema);
      expect(await sync).toBe(ErrorCode.FSYNC_FAILED);
    } finally {
      await block.release();
    }
    await handle.sync();
    await handle.close();
  });

  it("a connection lost mid-rename is STORAGE_FAILURE, in doubt", async () => {
    const { backend, schema } = open();
    await (await backend.open("old", "w")).close();
    await (await backend.open("new", "w")).close();
    const block = await blockInode(schema, "new");
    try {
      const rename = backend.rename("old", "new").catch((e: unknown) => e);
      await killWaitingConnection(schema);
      const err = await rename;
      expect(err).toMatchObject({ code: ErrorCode.STORAGE_FAILURE });
      expect(String((err as Error).message)).toContain("in doubt");
    } finally {
      await block.release();
    }
  });

  it("a statement timeout fails the buffered write when it goes out with STORAGE_FAILURE, and the handle's next sync with FSYNC_FAILED", async () => {
    const { backend, schema } = open({ statementTimeoutMs: 300 });
    const handle = await backend.open("f", "w");
    const block = await blockInode(schema, "f");
    try {
      // The write is buffered; the handle's stat sends it first, and that statement times out.
      await backend.stat("f");
      await handle.write(new TextEncoder().encode("x"), 0);
      const err = await handle.stat().catch((e: unknown) => e);
      expect(err).toMatchObject({ code: ErrorCode.STORAGE_FAILURE, syscode: "57014" });
    } finally {
      await block.release();
    }
    expect(await codeOf(handle.sync())).toBe(ErrorCode.FSYNC_FAILED);
    await handle.close();
  });

  it("a schema written by a newer version of the backend is refused with UNSUPPORTED_FORMAT", async () => {
    const { backend, schema } = open();
    await backend.ready();
    await adminPool().query(`UPDATE "${schema}".meta SET value = '99' WHERE key = 'schema_version'`);
    const again = postgresBackend({ url: POSTGRES_URL ?? "", schema });
    opened.push(again);
    expect(await codeOf(again.stat(""))).toBe(ErrorCode.UNSUPPORTED_FORMAT);
  });

  it("create: false on a missing store is NOT_FOUND and creates nothing", async () => {
    const schema = freshSchema();
    const b = postgresBackend({ url: POSTGRES_URL ?? "", schema, create: false });
    opened.push(b);
    expect(await codeOf(b.readdir(""))).toBe(ErrorCode.NOT_FOUND);
    const r = await adminPool().query("SELECT 1 FROM pg_namespace WHERE nspname = $1", [schema]);
    expect(r.rows).toEqual([]);
  });
});
