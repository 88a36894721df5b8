import {
  ErrorCode,
  isLivingReportsError,
  isReportId,
  type OpenReportsOptions,
  type Outline,
  openReports,
  type RecoveryReport,
  type ReportStore,
} from "@living-reports/core";
import type { CrashCheckContext, CrashChecker, StepRecord } from "../explorer/workload.js";
import { isStoreEffect, type StoreEffect } from "./storeEffect.js";
import { checkHistory, checkIndex, type TimedEdit } from "./storeInvariants.js";

/**
 * Verify codes about lock directories left behind: a crashed holder's lock is reclaimed after its
 * stale time by the next writer (G7), so one left by a crash is not a violation of docs/GUARANTEES.md.
 */
const LOCK_CODES: ReadonlySet<string> = new Set(["STALE_LOCK"]);

/**
 * The checker of the store workloads: recovers the crashed store with `openReports()` on a clock
 * past every stale lock, then checks docs/GUARANTEES.md against what was acknowledged:
 * - recovery itself succeeds, and `verify()` finds no problem (G3 chain and tails, G4 backups,
 *   G5/G6 as verify sees them);
 * - G1/G2: each report's outline is the last acknowledged one or the result of an operation in
 *   flight (never torn, never older than acknowledged); an acknowledged report exists;
 * - G2/G3/G6: its history holds every acknowledged event once, versions rising by exactly 1;
 * - G9: no `manual_edit_detected` that nobody made; a manual edit a workload made (an `edited`
 *   effect) is recorded with a backup holding it once a later commit was acknowledged, and a
 *   durable one survives a crash;
 * - G5: the index lists exactly the reports whose outline exists, with their title, tags, status.
 *
 * @param options - extra `openReports` options for the recovery (e.g. the `backupRetention` the workload used)
 * @param onRecovered - called with what recovery mended in each state (for censuses of states)
 */
export function storeChecker(
  options: Omit<OpenReportsOptions, "clock" | "now" | "create"> = {},
  onRecovered?: (recovery: RecoveryReport, ctx: CrashCheckContext) => void,
): CrashChecker {
  return async (ctx) => {
    let store: ReportStore;
    try {
      store = await openReports(ctx.backend, {
        ...options,
        clock: ctx.clock,
        now: () => new Date(ctx.clock.now()),
      });
    } catch (err) {
      return [`recovery failed: ${describeError(err)}`];
    }
    onRecovered?.(store.recovery, ctx);
    try {
      return await checkRecovered(store, ctx);
    } finally {
      await store.close();
    }
  };
}

async function checkRecovered(store: ReportStore, ctx: CrashCheckContext): Promise<string[]> {
  const out: string[] = [];
  const started = [...ctx.acked, ...ctx.inFlight];
  for (const m of store.recovery.mended) {
    const what = `${m.action} ${m.file ?? ""} ${m.detail ?? ""}`.trim();
    const edited = m.report_id !== undefined && editsOf(started, m.report_id).length > 0;
    if (m.action === "recorded_manual_edit" && !edited) out.push(`G9: recovery ${what}`);
    if (m.action === "unrecoverable") out.push(`recovery: ${what}`);
  }
  const verified = await store.verify();
  for (const p of verified.problems.filter((p) => !LOCK_CODES.has(p.code))) {
    const where = `${p.file ?? p.report_id ?? ""}${p.line === undefined ? "" : `:${p.line}`}`;
    out.push(`verify: ${p.code} ${where} ${p.message}`);
  }
  const present = new Map<string, Outline>();
  for (const id of reportIdsOf(ctx)) {
    const observed = await readOutline(store, id);
    if (observed !== undefined) present.set(id, observed);
    out.push(...checkOutline(id, observed, ctx));
    if (observed !== undefined) {
      const edits = { made: editsOf(started, id), acked: editsOf(ctx.acked, id) };
      out.push(
        ...(await checkHistory(store, id, effectsOf(ctx.acked, id), { ...edits, backend: ctx.backend })),
      );
    }
  }
  out.push(...(await checkIndex(store, ctx.backend, present)));
  return out;
}

/** G1/G2: the observed outline is the newest acknowledged one or an in-flight result. */
function checkOutline(id: string, observed: Outline | undefined, ctx: CrashCheckContext): string[] {
  const acked = ackedState(effectsOf(ctx.acked, id));
  const allowed = new Map<string, string>();
  if (acked.outline === undefined || acked.deleted) allowed.set("absent", "absent");
  else allowed.set(JSON.stringify(acked.outline), `v${acked.outline.outline_version}`);
  const floor = acked.outline?.outline_version ?? 0;
  // G9: an edit not made durable may be lost, or may be what the crash left (and recovery recorded).
  for (const edit of editsOf(ctx.acked, id)) {
    if (!edit.durable && edit.end > acked.outlineEnd)
      allowed.set(JSON.stringify(edit.outline), "the manual edit");
  }
  for (const effect of effectsOf(ctx.inFlight, id)) {
    if (effect.kind === "deleted") allowed.set("absent", "absent");
    else if (effect.kind === "edited") allowed.set(JSON.stringify(effect.outline), "the manual edit");
    else if (effect.outline.outline_version > floor || acked.deleted) {
      allowed.set(JSON.stringify(effect.outline), `v${effect.outline.outline_version}`);
    }
  }
  const key = observed === undefined ? "absent" : JSON.stringify(observed);
  if (allowed.has(key)) return [];
  const seen = observed === undefined ? "absent" : `v${observed.outline_version} "${observed.title}"`;
  return [`G1/G2: report ${id} is ${seen}, expected one of ${[...allowed.values()].join(", ")}`];
}

/**
 * The newest acknowledged outline (by version; a durable manual edit counts, a volatile one does
 * not), when it was acknowledged, and whether an acknowledged delete came after it.
 */
function ackedState(effects: readonly Timed[]): {
  outline: Outline | undefined;
  outlineEnd: number;
  deleted: boolean;
} {
  let outline: Outline | undefined;
  let outlineEnd = -1;
  let deletedAt = -1;
  for (const e of effects) {
    if (e.kind === "deleted") deletedAt = Math.max(deletedAt, e.end);
    else if (e.kind === "edited" && !e.durable) continue;
    else if (outline === undefined || e.outline.outline_version >= outline.outline_version) {
      outline = e.outline;
      outlineEnd = e.end;
    }
  }
  return { outline, outlineEnd, deleted: deletedAt > outlineEnd };
}

/** A store effect with the crash points of its step's start and acknowledgement. */
type Timed = StoreEffect & { start: number; end: number };

function effectsOf(steps: readonly StepRecord[], id: string): Timed[] {
  return steps.flatMap((s) =>
    isStoreEffect(s.effect) && s.effect.reportId === id ? [{ ...s.effect, start: s.start, end: s.end }] : [],
  );
}

function editsOf(steps: readonly StepRecord[], id: string): TimedEdit[] {
  return effectsOf(steps, id).filter((e): e is TimedEdit => e.kind === "edited");
}

function reportIdsOf(ctx: CrashCheckContext): string[] {
  const ids = new Set<string>();
  for (const s of [...ctx.acked, ...ctx.inFlight]) if (isStoreEffect(s.effect)) ids.add(s.effect.reportId);
  return [...ids].filter(isReportId).sort();
}

async function readOutline(store: ReportStore, id: string): Promise<Outline | undefined> {
  try {
    return await store.get(id);
  } catch (err) {
    if (isLivingReportsError(err, ErrorCode.NOT_FOUND)) return undefined;
    throw err;
  }
}

/** `CODE: message` of an error, for violation lines. */
export function describeError(err: unknown): string {
  if (isLivingReportsError(err)) return `${err.code}: ${err.message}`;
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
