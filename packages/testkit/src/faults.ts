/**
 * `@living-reports/testkit/faults`: fault injection alone (`injectFaults`, `FaultyBackend` and the
 * rule types), for any test runner or none: nothing reached from this entry imports vitest or
 * fast-check. The conformance suite's fault area (`describeFaults`) is in the package root.
 *
 * Every name here is also exported by the package root, with the same meaning.
 */
export * from "./faults/index.js";
