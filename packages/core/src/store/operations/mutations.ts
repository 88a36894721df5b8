import { parseAuditLogYielding } from "../../durable/index.js";
import { ErrorCode } from "../../errors/errorCodes.js";
import { LivingReportsError } from "../../errors/livingReportsError.js";
import { type Outline, parseOutlineBytes } from "../../schema/index.js";
import { validateOutlineShape } from "../../schema/outlineCodec.js";
import { evolvePayload, renamePayload, tagPayload } from "../audit/outlineChange.js";
import { commitChange } from "../commit/commitChange.js";
import { statusOf, tagsOf } from "../index/indexLines.js";
import type { StoreContext } from "../shared/context.js";
import { checkActionId, invalidInput } from "../shared/inputChecks.js";
import { auditPath, backupPath } from "../shared/layout.js";
import type { MutationOptions, ReportStatus } from "../shared/types.js";

/**
 * Replaces a report's outline (`evolve`, docs/CLI.md `update`). The input is validated before
 * anything is touched; `report_id` and `created_at` must match the stored ones. Without
 * `expectedVersion`, the input's own `outline_version` is the expected one; `force` skips it.
 */
export async function updateReport(
  ctx: StoreContext,
  input: unknown,
  options: MutationOptions & { force?: boolean },
): Promise<Outline> {
  // Its size is checked once serialised with the store's fields, under the lock (commitChange).
  const given = validateOutlineShape(input, ctx.options.limits);
  const id = given.report_id;
  const expectedVersion =
    options.force === true ? undefined : (options.expectedVersion ?? given.outline_version);
  const { force: _force, ...rest } = options;
  const commitOptions: MutationOptions = { ...rest };
  if (expectedVersion === undefined) delete commitOptions.expectedVersion;
  else commitOptions.expectedVersion = expectedVersion;
  return await commitChange(ctx, id, commitOptions, (report) => {
    if (given.created_at !== report.outline.created_at) {
      throw invalidInput(
        `created_at ${given.created_at} does not match the stored ${report.outline.created_at}`,
        {
          id,
        },
      );
    }
    return {
      outline: given,
      validated: true,
      action: "evolve",
      payload: () => evolvePayload(report.outline, given),
    };
  });
}

/** Renames a report (`rename` {old_title, new_title}). */
export async function renameReport(
  ctx: StoreContext,
  id: string,
  title: string,
  options: MutationOptions,
): Promise<Outline> {
  checkTitle(title);
  return await commitChange(ctx, id, options, (report) => {
    const next = { ...report.outline, title };
    return { outline: next, action: "rename", payload: () => renamePayload(report.outline, next) };
  });
}

/** Adds and removes tags in `metadata.tags` (`tag_update` {tags_added, tags_removed, final_tags}). */
export async function tagReport(
  ctx: StoreContext,
  id: string,
  change: { add?: string[]; remove?: string[] },
  options: MutationOptions,
): Promise<Outline> {
  const add = checkTags(change.add, "add");
  const remove = checkTags(change.remove, "remove");
  return await commitChange(ctx, id, options, (report) => {
    const before = tagsOf(report.outline);
    const kept = before.filter((t) => !remove.includes(t));
    const final = [...kept, ...add.filter((t, i) => !kept.includes(t) && add.indexOf(t) === i)];
    const next = { ...report.outline, metadata: { ...report.outline.metadata, tags: final } };
    return { outline: next, action: "tag_update", payload: () => tagPayload(before, final) };
  });
}

/** Sets `metadata.status` (`archive` when archiving, else `status_change` {status}). */
export async function setReportStatus(
  ctx: StoreContext,
  id: string,
  status: ReportStatus,
  options: MutationOptions,
): Promise<Outline> {
  if (status !== "active" && status !== "archived") {
    throw invalidInput(`status must be active or archived, got ${JSON.stringify(status)}`);
  }
  return await commitChange(ctx, id, options, (report) => {
    const next = { ...report.outline, metadata: { ...report.outline.metadata, status } };
    const previous = statusOf(report.outline);
    return {
      outline: next,
      action: status === "archived" ? "archive" : "status_change",
      payload: () => ({ status, previous_status: previous }),
    };
  });
}

/**
 * Commits the backup that action `actionId` recorded (the state before it) as the next version,
 * through the normal protocol (the current state is backed up first). Event `revert`
 * {reverted_from_action_id, reverted_from_action_type, backup_restored, current_state_backup}.
 *
 * @throws LivingReportsError INVALID_ID (`actionId` not a UUID, before anything is read),
 *   NOT_FOUND (no such action), INVALID_INPUT (the action recorded no
 *   backup, or the backup belongs to another report), INVALID_OUTLINE/... (the backup does not load)
 */
export async function revertReport(
  ctx: StoreContext,
  id: string,
  actionId: string,
  options: MutationOptions,
): Promise<Outline> {
  checkActionId(actionId);
  return await commitChange(ctx, id, options, async () => {
    const { lines } = await parseAuditLogYielding(await ctx.backend.readFile(auditPath(id)));
    const event = lines.find((l) => l.record.action_id === actionId)?.record;
    if (event === undefined) {
      throw new LivingReportsError(ErrorCode.NOT_FOUND, `report ${id} has no action ${actionId}`, {
        id,
        details: { action_id: actionId },
      });
    }
    const payload = (event.payload ?? {}) as Record<string, unknown>;
    const restored = payload.backup_filename;
    if (typeof restored !== "string" || !/^outline\.json\.[0-9T_]+\.bak$/.test(restored)) {
      throw invalidInput(
        `action ${actionId} (${String(event.action_type)}) recorded no backup to revert to`,
        {
          id,
          action_id: actionId,
        },
      );
    }
    const path = backupPath(id, restored);
    const backup = parseOutlineBytes(await ctx.backend.readFile(path), ctx.options.limits, path);
    if (backup.report_id !== id) throw invalidInput(`backup ${path} belongs to report ${backup.report_id}`);
    return {
      outline: backup,
      action: "revert",
      payload: (current) => ({
        reverted_from_action_id: actionId,
        reverted_from_action_type: event.action_type,
        backup_restored: restored,
        current_state_backup: current,
      }),
    };
  });
}

/** @throws LivingReportsError INVALID_INPUT unless `title` is a non-empty string */
export function checkTitle(title: unknown): asserts title is string {
  if (typeof title !== "string" || title.trim() === "")
    throw invalidInput("a title must be a non-empty string");
}

/**
 * The tags given to `tag` (add, remove) or `create`: an array of non-empty strings, or none.
 *
 * @throws LivingReportsError INVALID_INPUT for anything else (a string is not spread into letters)
 */
export function checkTags(tags: unknown, what: string): string[] {
  if (tags === undefined) return [];
  if (!Array.isArray(tags) || tags.some((t) => typeof t !== "string" || t === "")) {
    throw invalidInput(`tags to ${what} must be non-empty strings`);
  }
  return tags as string[];
}
