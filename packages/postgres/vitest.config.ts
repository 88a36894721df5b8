import { defineConfig } from "vitest/config";

// The database crash test stops and restarts the server: no other test file of this package may
// run beside it, so files run one at a time.
export default defineConfig({
  test: { fileParallelism: false },
});
