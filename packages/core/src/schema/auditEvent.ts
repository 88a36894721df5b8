import { z } from "zod";
import { JsonRecordSchema, ReportIdSchema, Sha256Schema, TimestampSchema, UuidSchema } from "./primitives.js";

/** Who made a change. */
export const ActorSchema = z.enum(["cli", "agent", "human"]);
/** An actor. */
export type Actor = z.output<typeof ActorSchema>;

/** What kind of change an audit event records (docs/FORMAT.md#data-model). */
export const ActionTypeSchema = z.enum([
  "create",
  "evolve",
  "revert",
  "rename",
  "tag_update",
  "render",
  "manual_edit_detected",
  "backup",
  "status_change",
  "fork",
  "synthesize",
  "archive",
  "delete",
]);
/** An action type. */
export type ActionType = z.output<typeof ActionTypeSchema>;

/**
 * One audit event: the record of an audit line without its integrity fields (`prev`, `sha256`,
 * see docs/FORMAT.md). Strict. `outline_sha256` is the hash of the outline bytes the event
 * committed (absent on lines the Python module wrote, and on events that commit no outline),
 * and `outline` that outline itself where the log is the commit point.
 */
export const AuditEventSchema = z.strictObject({
  action_id: UuidSchema,
  report_id: ReportIdSchema,
  ts: TimestampSchema,
  actor: ActorSchema,
  action_type: ActionTypeSchema,
  request_id: z.string().nullable().exactOptional(),
  payload: JsonRecordSchema.default({}),
  outline_sha256: Sha256Schema.exactOptional(),
  /** The outline the event committed, carried in the log (docs/FORMAT.md); checked against `outline_sha256` where it is used. */
  outline: z.unknown().exactOptional(),
});

/** A validated audit event. */
export type AuditEvent = z.output<typeof AuditEventSchema>;
/** What {@link AuditEventSchema} accepts. */
export type AuditEventInput = z.input<typeof AuditEventSchema>;
