import { describeAtomicReplaceFaults } from "./faultSuite/atomicReplaceFaults.js";
import { describeAuditLogFaults } from "./faultSuite/auditLogFaults.js";
import { describeBackupFaults } from "./faultSuite/backupFaults.js";
import { describeStoreFaults } from "./faultSuite/storeFaults.js";
import type { ConformanceTarget } from "./target.js";

/**
 * Registers the fault-injection area of the conformance suite (docs/GUARANTEES.md#bad-input,
 * docs/CRASH-MODEL.md#fault-injection) for one backend: the backend is wrapped in a `FaultyBackend`, and each step of an
 * atomic replace, an audit append, a backup and a store update fails with EIO and with ENOSPC.
 * Every failure must surface as the typed error, leave what was acknowledged intact and no temp
 * file behind, and let the next fault-free attempt succeed.
 */
export function describeFaults(target: ConformanceTarget): void {
  describeAtomicReplaceFaults(target);
  describeAuditLogFaults(target);
  describeBackupFaults(target);
  describeStoreFaults(target);
}
