import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "./helpers/runCli.js";

const URL = process.env.LR_POSTGRES_URL;
const schema = `lr_cli_${randomUUID().replaceAll("-", "").slice(0, 12)}`;

afterAll(async () => {
  if (URL === undefined) return;
  const pool = new pg.Pool({ connectionString: URL, max: 1 });
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await pool.end();
});

describe("--backend postgres: usage", () => {
  it("needs a URL, refuses --root, and --url without postgres", async () => {
    expect((await runCli(["--backend", "postgres", "list"])).stderr).toContain("needs --url");
    expect(
      (await runCli(["--backend", "postgres", "--url", "postgres://x/y", "--root", "r", "list"])).code,
    ).toBe(2);
    expect((await runCli(["--url", "postgres://x/y", "list"])).code).toBe(2);
    expect((await runCli(["--backend", "sqlite", "list"])).code).toBe(2);
  });

  it("an unreachable server is a storage failure (exit 6) naming the cause", async () => {
    const r = await runCli(["--backend", "postgres", "--url", "postgres://nobody@127.0.0.1:1/none", "list"]);
    expect(r.code).toBe(6);
    expect(r.stderr).toContain("ECONNREFUSED");
  });
});

// Skipped without a server: set LR_POSTGRES_URL (e.g. postgres://root@127.0.0.1:5432/test) to run.
describe.runIf(URL !== undefined)("--backend postgres: a store in a schema", () => {
  it("init, create, rename, list, verify through LIVING_REPORTS_URL and --schema", async () => {
    const env = { LIVING_REPORTS_URL: URL ?? "" };
    const cli = (...argv: string[]) =>
      runCli(["--backend", "postgres", "--schema", schema, ...argv], { env });
    expect((await cli("list")).code).toBe(3);
    expect((await cli("init")).code).toBe(0);
    const created = await cli("--json", "create", "On a database", "--tag", "pg");
    const id = created.json<{ report_id: string }>().report_id;
    expect((await cli("rename", id, "Renamed")).code).toBe(0);
    const list = (await cli("--json", "list")).json<{ current_title: string }[]>();
    expect(list.map((e) => e.current_title)).toEqual(["Renamed"]);
    const verify = await cli("--json", "verify");
    expect(verify.json<{ ok: boolean }>().ok).toBe(true);
  });
});
