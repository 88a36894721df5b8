import { defineConfig } from "vitest/config";

// vi.mock("node:fs") reaches only modules vitest runs itself: ES-module packages in node_modules
// must be inlined for their `import ... from "node:fs"` to get the simulated disk. (CommonJS
// packages are loaded with requireWithFs instead: vi.mock cannot reach `require`.)
export default defineConfig({
  test: {
    server: { deps: { inline: ["steno", "atomically", "stubborn-fs", "conf"] } },
    testTimeout: 120_000,
  },
});
