import { defineConfig } from "vitest/config";

// The database crash test stops and restarts the server: no other test file of this package may
// run beside it, so files run one at a time. Every primitive is a round trip to the server (a few
// hundred per store test), so a test gets more time than vitest's 5 s default on a loaded machine.
export default defineConfig({
  test: { fileParallelism: false, testTimeout: 60_000 },
});
