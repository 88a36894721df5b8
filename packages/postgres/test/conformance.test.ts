import { runConformanceSuite } from "@living-reports/testkit";
import { describe } from "vitest";
import { POSTGRES_URL, postgresTarget, reportSkipped } from "./pgTarget.js";

// The whole conformance suite (primitives, locks, store, legacy stores, faults, model-based) on
// a real server, each test in a fresh schema. No `crash`: a database crash is tested for real
// in databaseCrash.test.ts.
reportSkipped("conformance");
// Registered only with a server: some areas probe the backend while they are collected (which
// a skipped describe still does), and there is no server to probe.
if (POSTGRES_URL !== undefined) {
  describe("postgres backend", () => {
    runConformanceSuite(postgresTarget());
  });
}
