import { describeStoreLeftovers } from "./storeLeftovers.js";
import { describeStoreLogCommit } from "./storeLogCommit.js";
import { describeStoreOperations } from "./storeOperations.js";
import { describeStoreRecovery } from "./storeRecovery.js";
import { describeStoreRobustness } from "./storeRobustness.js";
import type { ConformanceTarget } from "./target.js";

/**
 * The report store's conformance suite on one backend (fresh root per test): every operation's
 * happy path and payloads, G6 versions and conflicts, bad input with an unchanged store, races
 * between store instances, lock timeouts, G9 manual edits, cut commits, unclean shutdowns, and,
 * where the backend simulates power loss, crashes right after acknowledged updates.
 */
export function describeStore(target: ConformanceTarget): void {
  describeStoreOperations(target);
  describeStoreRobustness(target);
  describeStoreRecovery(target);
  describeStoreLeftovers(target);
  describeStoreLogCommit(target);
}
