export { EMPTY_SHA256, sha256Hex } from "../util/hash.js";
export { jsonTextDepth, valueDepth } from "../util/json.js";
export { type AppendLinesOptions, appendLines } from "./appendLines.js";
export { type AtomicReplaceOptions, atomicReplace, isTempName, tempPathFor } from "./atomicReplace.js";
export { AUDIT_INTEGRITY_KEYS, type CheckedLine, checkAuditLine, encodeAuditLine } from "./auditLine.js";
export { AuditLog, type AuditLogOpenOptions, type AuditLogPosition } from "./auditLog.js";
export { backupName, backupNameAfter, makeBackup, parseBackupName } from "./backup.js";
export { type CommittedHead, committedHead, newestCommittedSha } from "./logTail.js";
export {
  type AuditLine,
  type AuditProblem,
  type AuditReadResult,
  parseAuditLog,
  parseAuditLogYielding,
} from "./parseAuditLog.js";
