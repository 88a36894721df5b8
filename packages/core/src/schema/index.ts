export {
  type ActionType,
  ActionTypeSchema,
  type Actor,
  ActorSchema,
  type AuditEvent,
  type AuditEventInput,
  AuditEventSchema,
} from "./auditEvent.js";
export { type IndexEntry, IndexEntrySchema, type IndexStatus, IndexStatusSchema } from "./indexEntry.js";
export { describeIssues } from "./issues.js";
export {
  type Citation,
  CitationSchema,
  type DatasetSource,
  DatasetSourceSchema,
  type Insight,
  InsightSchema,
  type Outline,
  type OutlineInput,
  OutlineSchema,
  type Section,
  SectionSchema,
} from "./outline.js";
export {
  DEFAULT_LIMITS,
  type OutlineLimits,
  parseOutlineBytes,
  serializeOutline,
  validateOutline,
} from "./outlineCodec.js";
export {
  JsonRecordSchema,
  ReportIdSchema,
  Sha256Schema,
  TimestampSchema,
  UuidSchema,
} from "./primitives.js";
export { assertReportId, isReportId } from "./reportId.js";
