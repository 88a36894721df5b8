import { describeDirectoryOps } from "./primitives/directoryOps.js";
import { describeFileHandles } from "./primitives/fileHandles.js";
import { describePathChecks } from "./primitives/pathChecks.js";
import type { ConformanceTarget } from "./target.js";

/**
 * Registers the StorageBackend contract tests for `target`: open modes, file handles, names and
 * directories, path confinement and error shapes. Each test runs on a fresh root.
 */
export function describeBackendPrimitives(target: ConformanceTarget): void {
  describeFileHandles(target);
  describeDirectoryOps(target);
  describePathChecks(target);
}
