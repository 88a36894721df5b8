import { ErrorCode } from "@living-reports/core";
import { afterEach, describe, expect, it } from "vitest";
import { dropSchema, type PostgresBackend, postgresBackend, SCHEMA_VERSION } from "../src/index.js";
import { schemaDdl as schemaV1Ddl } from "./fixtures/schemaV1.js";
import { schemaDdl as schemaV2Ddl } from "./fixtures/schemaV2/schemaSql.js";
import { schemaDdl as schemaV3Ddl } from "./fixtures/schemaV3/schemaSql.js";
import { adminPool, freshSchema, POSTGRES_URL, reportSkipped } from "./pgTarget.js";

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString("utf8");

/** Creates schema `schema` holding an empty store of an older version, as that version created it. */
async function createOldStore(schema: string, version: number, ddl: (s: string) => string): Promise<void> {
  const q = `"${schema}"`;
  const client = await adminPool().connect();
  try {
    await client.query("BEGIN");
    await client.query(`CREATE SCHEMA ${q}`);
    await client.query(`CREATE TABLE ${q}.meta (key text PRIMARY KEY, value text NOT NULL)`);
    await client.query(ddl(q));
    await client.query(`INSERT INTO ${q}.meta VALUES ('schema_version', $1)`, [String(version)]);
    await client.query("COMMIT");
  } catch (err) {
    await client.query("ROLLBACK");
    throw err;
  } finally {
    client.release();
  }
}

/** Runs `SELECT <fn>(args)` in the old store's own functions, as an app server of that version did. */
async function call(schema: string, fn: string, ...args: unknown[]): Promise<Record<string, unknown>[]> {
  const params = args.map((_, i) => `$${i + 1}`).join(", ");
  return (await adminPool().query(`SELECT * FROM "${schema}".${fn}(${params})`, args)).rows;
}

async function versionOf(schema: string): Promise<string | undefined> {
  const rows = await adminPool().query(`SELECT value FROM "${schema}".meta WHERE key = 'schema_version'`);
  return rows.rows[0]?.value;
}

/** What both old versions wrote, checked through the current backend after its migration. */
async function expectMigratedFiles(backend: PostgresBackend, schema: string): Promise<void> {
  await backend.ready();
  expect(await versionOf(schema)).toBe(String(SCHEMA_VERSION));
  expect(await backend.readdir("")).toEqual(["d"]);
  expect((await backend.readdir("d")).sort()).toEqual(["f", "g", "sub"]);
  expect(text(await backend.readFile("d/f"))).toBe("hello world");
  const f = await backend.stat("d/f");
  expect(f).toMatchObject({ kind: "file", size: 11 });
  expect((await backend.stat("d/g")).ino).toBe(f.ino);
  expect((await backend.stat("d/sub")).kind).toBe("directory");
  // The migrated store works: an append, a write in the middle, a sync, a rename of a link.
  const handle = await backend.open("d/f", "a");
  expect((await handle.stat()).size).toBe(11);
  await handle.write(Buffer.from("!"));
  await handle.datasync();
  expect((await handle.stat()).size).toBe(12);
  await handle.close();
  const r = await backend.open("d/f", "r+");
  await r.write(Buffer.from("J"), 0);
  await r.close();
  expect(text(await backend.readFile("d/g"))).toBe("Jello world!");
  await backend.rename("d/g", "d/sub/h");
  expect(await backend.readdir("d")).toEqual(["f", "sub"]);
  expect((await backend.stat("d/sub/h")).ino).toBe(f.ino);
  await expect(backend.stat("d/g")).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
}

// The schema migrations run in place, in one transaction, when a newer backend first opens an older
// store: each older version is created here from its released DDL (test/fixtures), written to with
// its own functions, then opened with the current backend.
reportSkipped("schema migration");
describe.runIf(POSTGRES_URL !== undefined)("postgres: schema migration in place", () => {
  let backend: PostgresBackend | undefined;
  let schema: string | undefined;
  afterEach(async () => {
    await backend?.end();
    backend = undefined;
    if (schema !== undefined) await dropSchema(adminPool(), schema);
  });

  it(`a version-1 store (whole files in inodes.data) is migrated to version ${SCHEMA_VERSION} with its files, links and directories`, async () => {
    schema = freshSchema();
    await createOldStore(schema, 1, schemaV1Ddl);
    await call(schema, "mkdir", "", "d");
    await call(schema, "mkdir", "d", "sub");
    const [opened] = await call(schema, "open", "d", "f", "wx");
    const ino = Number(opened?.ino);
    await call(schema, "pwrite", ino, 0, Buffer.from("hello"));
    await call(schema, "append", ino, Buffer.from(" world"));
    await call(schema, "fsync", ino);
    await call(schema, "link", "d", "f", "d", "g");
    backend = postgresBackend({ url: POSTGRES_URL ?? "", schema });
    await expectMigratedFiles(backend, schema);
  });

  it(`a version-2 store (appends as extents) is migrated to version ${SCHEMA_VERSION} with its files, links and directories`, async () => {
    schema = freshSchema();
    await createOldStore(schema, 2, schemaV2Ddl);
    await call(schema, "mkdir", "", "d");
    await call(schema, "mkdir", "d", "sub");
    const [opened] = await call(schema, "open", "d", "f", "wx");
    const ino = Number(opened?.ino);
    // Two appends (two extents rows) and a sync, as version 2's handles sent them.
    await call(schema, "write_chunks", ino, [-1], [Buffer.from("hello")], false);
    await call(schema, "write_chunks", ino, [-1], [Buffer.from(" world")], true);
    await call(schema, "link", "d", "f", "d", "g");
    backend = postgresBackend({ url: POSTGRES_URL ?? "", schema });
    await expectMigratedFiles(backend, schema);
  });

  it(`a version-3 store is migrated to version ${SCHEMA_VERSION} with its files, links and directories`, async () => {
    schema = freshSchema();
    await createOldStore(schema, 3, schemaV3Ddl);
    await call(schema, "mkdir", "", "d");
    await call(schema, "mkdir", "d", "sub");
    const [opened] = await call(schema, "open", "d", "f", "wx");
    const ino = Number(opened?.ino);
    await call(schema, "write_chunks", ino, [-1], [Buffer.from("hello")], false);
    await call(schema, "write_then_stat", ino, [-1], [Buffer.from(" world")], "d/f");
    await call(schema, "syncdir", "d");
    await call(schema, "link", "d", "f", "d", "g");
    backend = postgresBackend({ url: POSTGRES_URL ?? "", schema });
    await expectMigratedFiles(backend, schema);
    // What version 4 added: a file replaced in one statement, its other name keeping the old one.
    await backend.replaceFile("d/f", Buffer.from("replaced"));
    expect(text(await backend.readFile("d/f"))).toBe("replaced");
    expect(text(await backend.readFile("d/sub/h"))).toBe("Jello world!");
  });

  it("a store of a newer version than this library is refused with UNSUPPORTED_FORMAT and left as it is", async () => {
    schema = freshSchema();
    await createOldStore(schema, SCHEMA_VERSION + 1, schemaV2Ddl);
    backend = postgresBackend({ url: POSTGRES_URL ?? "", schema });
    await expect(backend.ready()).rejects.toMatchObject({ code: ErrorCode.UNSUPPORTED_FORMAT });
    expect(await versionOf(schema)).toBe(String(SCHEMA_VERSION + 1));
  });
});
