/**
 * `@living-reports/memfs/vitest`: run code that imports `node:fs` unchanged on a simulated disk.
 * Nothing here imports vitest: the factories suit `vi.mock` (and any runner's module mock).
 *
 * ```ts
 * import { createFsFromDisk, createMemfsDisk } from "@living-reports/memfs";
 * import { mockNodeFs, mockNodeFsPromises } from "@living-reports/memfs/vitest";
 * let fs = createFsFromDisk(createMemfsDisk());
 * vi.mock("node:fs", () => mockNodeFs(() => fs));
 * vi.mock("node:fs/promises", () => mockNodeFsPromises(() => fs));
 * ```
 *
 * @packageDocumentation
 */
import { createRequire } from "node:module";
import { type FsGetter, fsForwarder, promisesForwarder } from "./nodeFs/forwarder.js";

export type { FsGetter } from "./nodeFs/forwarder.js";

/**
 * The module `vi.mock("node:fs", () => mockNodeFs(getFs))` should return (also for `"fs"`):
 * named exports and a default export, each function calling `getFs()`'s at call time, so a test
 * can swap the facade (a new disk, a crashed one) while the mocked code keeps its imports.
 */
export function mockNodeFs(getFs: FsGetter): Record<string, unknown> {
  const fs = fsForwarder(getFs);
  return { ...fs, default: fs };
}

/** {@link mockNodeFs} for `node:fs/promises` (and `"fs/promises"`). */
export function mockNodeFsPromises(getFs: FsGetter): Record<string, unknown> {
  const promises = promisesForwarder(getFs);
  return { ...promises, default: promises };
}

/**
 * Loads a CommonJS package (write-file-atomic, fs-extra, ...) with its `require("fs")` and
 * `require("fs/promises")` bound to `getFs()`, which `vi.mock` cannot do: vitest's module mocks
 * apply to ES imports, not to `require` inside a dependency. Uses Node's documented
 * `require.cache` override of built-ins, for the duration of this load only: the package and the
 * modules it loads are fresh copies bound to the facade, and the cache is restored afterwards, so
 * the rest of the process keeps the real `fs`. A `require("node:fs")` is not redirected (Node
 * gives the built-in for `node:`-prefixed names).
 *
 * @param specifier - the package to load, e.g. `"write-file-atomic"`
 * @param from - where to resolve it from (`import.meta.url` of the test)
 */
export function requireWithFs<T = unknown>(specifier: string, getFs: FsGetter, from: string | URL): T {
  const require = createRequire(from);
  const cache = require.cache;
  const saved = { ...cache };
  for (const key of Object.keys(cache)) delete cache[key];
  const fs = fsForwarder(getFs);
  const builtin = (id: string, exports: unknown) =>
    ({ id, filename: id, loaded: true, exports, children: [], paths: [] }) as unknown as NodeJS.Module;
  cache.fs = builtin("fs", fs);
  cache["fs/promises"] = builtin("fs/promises", fs.promises);
  try {
    return require(specifier) as T;
  } finally {
    for (const key of Object.keys(cache)) delete cache[key];
    Object.assign(cache, saved);
  }
}
