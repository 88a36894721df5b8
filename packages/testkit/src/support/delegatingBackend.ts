import { DelegatingHandle as CoreDelegatingHandle } from "@living-reports/core";
import { loseUnsynced } from "./loseUnsynced.js";

// The delegating base lives in core (the store's lock-bound view derives from it too); kept
// importable from here for the testkit's wrappers.
export { DelegatingBackend } from "@living-reports/core";

/**
 * Core's delegating handle that also forwards memfs's `loseUnsynced` (a failed fsync that drops
 * unsynced data, for fault injection), so the testkit's wrappers keep it. On a backend that
 * cannot forget unsynced data it rejects with INVALID_INPUT.
 */
export class DelegatingHandle extends CoreDelegatingHandle {
  loseUnsynced(): Promise<void> {
    return loseUnsynced(this.inner);
  }
}
