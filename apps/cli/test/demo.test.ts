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

  it("prints a readable summary", async () => {
    const r = await runCli(["demo"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/recovery on reopen/);
    expect(r.stdout).toMatch(/every one survived/);
    expect(r.stdout).toMatch(/summary: \d+ reports, \d+ versions, \d+ events; OK/);
  });
});
