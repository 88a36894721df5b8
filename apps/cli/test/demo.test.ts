import { describe, expect, it } from "vitest";
import { runCli } from "./helpers/runCli.js";

interface DemoDoc {
  ok: boolean;
  kept: boolean;
  reports: number;
  versions: number;
  events: number;
  crash: { mode: string; seed: number; acknowledged: number; inFlight: string[] };
  recovery: { mended: unknown[]; indexRebuilt: boolean };
  verify: { ok: boolean };
  acknowledged: { checked: number; lost: unknown[]; survived: boolean };
  recovered: { verify: { ok: boolean } };
}

describe("demo", () => {
  it.each([1, 7, 42])(
    "creates, evolves, crashes mid-write (seed %i), recovers and verifies, losing nothing acknowledged",
    async (seed) => {
      const r = await runCli(["--json", "demo", "--seed", String(seed)]);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      const doc = r.json<DemoDoc>();
      expect(doc).toMatchObject({
        ok: true,
        kept: false,
        verify: { ok: true },
        recovered: { verify: { ok: true } },
      });
      expect(doc.crash).toMatchObject({ mode: "torn", seed });
      expect(doc.reports).toBeGreaterThanOrEqual(4);
      expect(doc.versions).toBeGreaterThanOrEqual(doc.reports);
      expect(doc.events).toBeGreaterThanOrEqual(doc.versions);
      expect(doc.acknowledged.checked).toBeGreaterThan(doc.reports);
      expect(doc.acknowledged).toMatchObject({ lost: [], survived: true });
      expect(doc.recovery.indexRebuilt).toBe(true);
    },
  );

  it("leaves PostgreSQL out when no server answers, says so, and still succeeds", async () => {
    const started = Date.now();
    const r = await runCli(["--json", "demo"], {
      env: { LR_POSTGRES_URL: "postgres://nobody@127.0.0.1:1/none" },
    });
    expect(r.code).toBe(0);
    const doc = r.json<{ ok: boolean; postgres: { ran: boolean; skipped?: string } }>();
    expect(doc.ok).toBe(true);
    expect(doc.postgres.ran).toBe(false);
    expect(doc.postgres.skipped).toMatch(/no PostgreSQL server answered/);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it.runIf(process.env.LR_POSTGRES_URL !== undefined)(
    "with a server, two app servers share the recovered store on it: every update lands once, verify ok",
    async () => {
      const r = await runCli(["demo"], { env: { LR_POSTGRES_URL: process.env.LR_POSTGRES_URL ?? "" } });
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(
        /7\. many app servers \(postgres .*2 app servers updated one report 10 times at once: version (\d+) → \d+, none lost; verify ok/,
      );
    },
  );

  it("prints a readable summary", async () => {
    const r = await runCli(["demo"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/recovery on reopen/);
    expect(r.stdout).toMatch(/every one survived/);
    expect(r.stdout).toMatch(/summary: \d+ reports, \d+ versions, \d+ events; OK/);
  });
});
