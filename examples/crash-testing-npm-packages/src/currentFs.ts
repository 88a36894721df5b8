// Which simulated disk the mocked node:fs stands for right now. A module of its own, importing
// nothing, so that the vi.mock factories can load it before anything else.
import type { FsFacade } from "@living-reports/memfs";

let current: FsFacade | undefined;

/** The facade the mocked `node:fs` forwards to (for `mockNodeFs(getFs)` and `requireWithFs`). */
export function getFs(): FsFacade {
  if (current === undefined)
    throw new Error("no simulated disk yet: the package touched node:fs outside a workload");
  return current;
}

/** Points the mocked `node:fs` at a new facade (a workload's disk, a crashed disk, ...). */
export function useFs(fs: FsFacade): FsFacade {
  current = fs;
  return fs;
}
