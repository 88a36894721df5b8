import type { ActionType, Outline } from "../../schema/index.js";
import { eventRecord } from "../audit/auditEvents.js";
import type { StoreContext } from "../shared/context.js";
import type { MutationOptions } from "../shared/types.js";

/** A change to commit: the next outline (the store sets its version and `updated_at`) and its event. */
export interface PlannedChange {
  outline: Outline;
  /**
   * The outline passed `validateOutline` already (the caller's input, validated before the lock
   * was taken): only its size is checked again, so an update is validated once.
   */
  validated?: boolean;
  action: ActionType;
  /** The event payload, given the name of the backup of the state before the change. */
  payload: (backupFilename: string) => Record<string, unknown>;
}

/** A planned change made concrete under the lock: the next outline, its bytes and their hash. */
export interface ReadyChange {
  change: PlannedChange;
  next: Outline;
  bytes: Uint8Array;
  sha: string;
  at: Date;
  options: MutationOptions;
}

/**
 * The audit record of a ready change whose previous outline is backed up as `backup`; with
 * `carried`, the record carries the new outline (the log as the commit point, docs/FORMAT.md),
 * without it the record is the strict protocol's (hash only). Pure but for the event's fresh id.
 */
export function changeRecord(
  ctx: StoreContext,
  reportId: string,
  ready: ReadyChange,
  backup: string,
  carried: boolean,
): Record<string, unknown> {
  const { change, next, sha, at, options } = ready;
  return eventRecord({
    reportId,
    action: change.action,
    actor: options.actor ?? ctx.options.actor,
    at,
    payload: {
      ...change.payload(backup),
      backup_filename: backup,
      outline_version: next.outline_version,
    },
    outlineSha256: sha,
    ...(carried ? { outline: next } : {}),
    requestId: options.requestId,
  });
}
