import type { Outline } from "../../schema/index.js";
import { encodeCheckedOutline, validateOutlineBytes } from "../../schema/outlineCodec.js";
import { sha256Hex } from "../../util/hash.js";
import type { RecoveredReport } from "../recovery/reportRecovery.js";
import type { StoreContext } from "../shared/context.js";
import { checkExpectedVersion } from "../shared/inputChecks.js";
import { outlinePath } from "../shared/layout.js";
import { isoTimestamp } from "../shared/timestamps.js";
import type { MutationOptions } from "../shared/types.js";
import { commitLogged } from "./commitLogged.js";
import { commitStrict } from "./commitStrict.js";
import type { PlannedChange, ReadyChange } from "./readyChange.js";
import { withReportLock } from "./reportTransaction.js";

/**
 * Commits a change of an existing report under its lock: recover; check `expectedVersion`
 * (VERSION_CONFLICT, nothing written); plan and validate the next outline fully (nothing written
 * if it fails); then commit it by the store's protocol (docs/DESIGN.md#the-commit-protocol-one-change-of-an-existing-report):
 * the log as the commit point ({@link commitLogged}, the default) or the strict protocol
 * ({@link commitStrict}). Either way the call resolves once the change is durable (G2), and a
 * call that rejects committed nothing, except LOCK_COMPROMISED after a fenced-out append, which
 * also committed nothing but leaves a record that readers skip.
 *
 * @throws LivingReportsError NOT_FOUND, VERSION_CONFLICT, INVALID_OUTLINE, TOO_LARGE, TOO_DEEP,
 *   LOCK_TIMEOUT, LOCK_COMPROMISED, or what `plan` throws, or a storage error
 */
export type { PlannedChange } from "./readyChange.js";

export async function commitChange(
  ctx: StoreContext,
  id: string,
  options: MutationOptions,
  plan: (report: RecoveredReport) => PlannedChange | Promise<PlannedChange>,
): Promise<Outline> {
  return await withReportLock(ctx, id, async (report, held) => {
    checkExpectedVersion(id, report.outline.outline_version, options.expectedVersion);
    const change = await plan(report);
    const at = ctx.options.now();
    const draft: Outline = {
      ...change.outline,
      outline_version: report.outline.outline_version + 1,
      updated_at: isoTimestamp(at),
    };
    const { outline: next, bytes } =
      change.validated === true
        ? { outline: draft, bytes: encodeCheckedOutline(draft, ctx.options.limits, outlinePath(id)) }
        : validateOutlineBytes(draft, ctx.options.limits, outlinePath(id));
    const ready: ReadyChange = { change, next, bytes, sha: sha256Hex(bytes), at, options };
    return ctx.options.strict
      ? await commitStrict(ctx, report, held, ready)
      : await commitLogged(ctx, report, held, ready);
  });
}
