import { runConformanceSuite } from "@living-reports/testkit";
import { MapBackend, MapDisk } from "../src/mapBackend.js";

// The whole conformance suite (backend primitives, durable primitives, syscall budgets, locks,
// the store and its recovery) against the new backend: one fresh disk per test.
runConformanceSuite({
  name: "map",
  setup: async () => {
    const disk = new MapDisk();
    return {
      backend: new MapBackend(disk),
      another: () => new MapBackend(disk), // a second "process" over the same files
      // Locks use the wall clock here, so moving time forward is a real (short) sleep.
      advanceClock: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      teardown: async () => {},
    };
  },
});
