import { describeBackendPrimitives } from "../src/conformance/backendPrimitives.js";
import { describeDurabilityModel } from "../src/conformance/durabilityModel.js";
import { describeSyscallBudget } from "../src/conformance/syscallBudget.js";
import type { ConformanceTarget } from "../src/conformance/target.js";
import { FakeBackend, FakeDisk } from "./support/fakeBackend.js";

// The testkit's own areas run against the fake, so a broken test (one that cannot pass on a
// correct backend) shows here before it reaches the real backends.
const fake: ConformanceTarget = {
  name: "fake",
  setup: async () => {
    const disk = new FakeDisk();
    return {
      backend: new FakeBackend(disk),
      another: () => new FakeBackend(disk),
      advanceClock: async () => {},
      teardown: async () => {},
    };
  },
};

describeBackendPrimitives(fake);
describeSyscallBudget(fake);
describeDurabilityModel(fake);
