/**
 * The report store: `openReports()` and its types. Everything else in this folder is internal.
 */

export { openReports } from "./openReports.js";
export { FORMAT_TEXT, FORMAT_VERSION } from "./shared/formatMarker.js";
export type {
  CreateInput,
  HistoryEvent,
  ListOptions,
  MutationOptions,
  OpenReportsOptions,
  Progress,
  RecoveryReport,
  RepairReport,
  ReportStatus,
  ReportStore,
  TrashEntry,
  VerifyProblem,
  VerifyReport,
} from "./shared/types.js";
export { VerifyCode, type VerifyOptions, verifyStore } from "./verify/index.js";
