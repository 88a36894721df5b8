// The delegating base lives in core (the store's lock-bound view derives from it too); kept
// importable from here for the testkit's wrappers.
export { DelegatingBackend, DelegatingHandle } from "@living-reports/core";
