import { describeBackendPrimitives } from "./backendPrimitives.js";
import { describeCommitSequence } from "./commitSequence.js";
import { describeDurabilityModel } from "./durabilityModel.js";
import { describeDurablePrimitives } from "./durablePrimitives.js";
import { describeFaults } from "./faults.js";
import { describeIndexAppends } from "./indexAppends.js";
import { describeLegacyStores } from "./legacy.js";
import { describeLocks } from "./locks.js";
import { describeModelBased } from "./modelBased.js";
import { describeNonRegularFiles } from "./nonRegularFiles.js";
import { describeStore } from "./store.js";
import { describeStoreHotPath } from "./storeHotPath.js";
import { describeStoreInputFidelity } from "./storeInputFidelity.js";
import { describeSyscallBudget } from "./syscallBudget.js";
import type { ConformanceTarget } from "./target.js";
import { describeTrashRaces } from "./trashRaces.js";

/**
 * Registers the whole conformance suite (vitest `describe` blocks, each title starting with
 * `[<target.name>]`) for one backend. Call it at the top level of a test file:
 *
 * ```ts
 * runConformanceSuite({ name: "memfs", setup: async () => ... });
 * ```
 *
 * Every test gets a fresh root from `target.setup()` and tears it down, pass or fail (see
 * `withRoot`). Areas: backend primitives, durable primitives, syscall budget, durability
 * model (simulated crashes, where the backend has them), locks, the store and the exact durable
 * call sequence of its commits, index appends racing compactions and rebuilds, a restore racing a delete, legacy stores, fault injection (every step of a write failing
 * with EIO/ENOSPC), and FIFOs where files belong.
 */
export function runConformanceSuite(target: ConformanceTarget): void {
  describeBackendPrimitives(target);
  describeDurablePrimitives(target);
  describeSyscallBudget(target);
  describeDurabilityModel(target);
  describeLocks(target);
  describeStore(target);
  describeCommitSequence(target);
  describeStoreHotPath(target);
  describeIndexAppends(target);
  describeTrashRaces(target);
  describeStoreInputFidelity(target);
  describeLegacyStores(target);
  describeFaults(target);
  describeNonRegularFiles(target);
  describeModelBased(target);
}
