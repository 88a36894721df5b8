import { enospcSweep, readOnlyRemount, readOnlyWhileWaiting } from "./diskFaultCases.js";
import { type FaultCase, isGood, type StepResult } from "./faultCase.js";
import {
  closeFailsEROFS,
  fifoEverywhere,
  hugeTornAuditTail,
  indexFifo,
  indexImmutable,
  indexTempLeftover,
  indexUnwritable,
  libraryInput,
  signals,
  symlinkedLayout,
} from "./layoutCases.js";
import { realFaultsUnavailable } from "./tmpfsMount.js";

/** Every real-fault case, in the order the runner takes them. */
export function faultCases(options: { quick?: boolean } = {}): FaultCase[] {
  // Each extra history length moves the audit log's page boundary under another step (§ sweep).
  const histories = options.quick === true ? 6 : 10;
  return [
    enospcSweep("create", "pages", histories),
    enospcSweep("update", "pages", histories),
    enospcSweep("delete", "pages", histories),
    enospcSweep("create", "inodes", 1),
    enospcSweep("update", "inodes", 1),
    enospcSweep("delete", "inodes", 1),
    readOnlyRemount(),
    readOnlyWhileWaiting(),
    fifoEverywhere(),
    signals(),
    indexFifo(),
    indexUnwritable(),
    indexImmutable(),
    indexTempLeftover(),
    symlinkedLayout(),
    hugeTornAuditTail(),
    libraryInput(),
    closeFailsEROFS(),
  ];
}

/**
 * Cases that fail today because of code in `packages/core/src/store` (or `lock`/`durable`), which
 * is being restructured: they run in `npm run reliability` and are reported there with the reason,
 * but are kept out of the default CI set until the store fix lands. Each entry names the defect.
 * A listed case that passes is reported as such ("remove it from the list").
 */
export const KNOWN_FAILING_PENDING_STORE_FIX: Readonly<Record<string, string>> = {
  "ENOSPC sweep (pages): create":
    "a create refused for ENOSPC leaves by_id/<id>/ (with backups/, no outline) behind: verify reports OUTLINE_MISSING and repair cannot mend it (store/commitNew.ts commitNewReport makes the folders before its try/rollback; repair does not remove abandoned creates)",
  "ENOSPC sweep (inodes): create":
    "the same leftover by_id/<id>/ when the inodes run out mid-create (store/commitNew.ts)",
  "ENOSPC sweep (pages): update":
    "ENOSPC at the audit append: the rollback needs space too (an atomic replace of the outline), fails, and the command exits 6 with the new outline live: failed but committed (store/commitChange.ts, store/uncommit.ts rollBackUpdate)",
  "index.jsonl.tmp-* left by a crash: repair removes it":
    "repair removes temp files in report folders only; a root-level index.jsonl.tmp-<hex> stays and verify reports ORPHAN_TEMP forever (store/repairStore.ts, store/storeRecovery.ts)",
  "symlinked backups/ or index.jsonl: verify lists it, repair mends or reports":
    "verify and repair stop with INVALID_PATH (exit 2) instead of listing the symlink as a problem (exit 1) (store/verify/*, store/repairStore.ts)",
  "library input: tags string, revert action id, uppercase UUID in resolve":
    'create({ tags: "abc" }) stores ["a","b","c"] (store/newReports.ts spreads the string); revert(id, "../x") is NOT_FOUND, not INVALID_ID (store/mutations.ts revertReport); resolve(UPPERCASE UUID) matches as an id prefix (store/resolveReport.ts resolveAmong)',
  "close() failing with EROFS releases files and timers":
    "when the session lock's removal fails, ReportStore.close() throws before closing the audit logs and the lock manager: the audit log's file descriptor leaks and the lock manager is never closed (store/reportStore.ts close)",
};

/** What one case came to. */
export interface CaseResult {
  name: string;
  group: FaultCase["group"];
  /** Why it did not run (no root, no mount), when it did not. */
  skipped?: string;
  /** The reason it is on {@link KNOWN_FAILING_PENDING_STORE_FIX}, when it is. */
  knownFailing?: string;
  steps: StepResult[];
  /** Every step good. */
  passed: boolean;
  ms: number;
}

/** Runs `cases` (those needing a mount only where one can be made), one after the other. */
export async function runFaultCases(
  cases: readonly FaultCase[],
  onCase: (r: CaseResult) => void = () => undefined,
): Promise<CaseResult[]> {
  const unavailable = realFaultsUnavailable();
  const results: CaseResult[] = [];
  for (const c of cases) {
    const known = KNOWN_FAILING_PENDING_STORE_FIX[c.name];
    const base = { name: c.name, group: c.group, ...(known === undefined ? {} : { knownFailing: known }) };
    if (c.needsMount && unavailable !== null) {
      const r = { ...base, skipped: unavailable, steps: [], passed: true, ms: 0 };
      results.push(r);
      onCase(r);
      continue;
    }
    const t0 = Date.now();
    let steps: StepResult[];
    try {
      steps = await c.run();
    } catch (err) {
      steps = [{ step: "setup", verdict: "wrong", detail: `threw: ${(err as Error).stack ?? String(err)}` }];
    }
    const r = { ...base, steps, passed: steps.every((s) => isGood(s.verdict)), ms: Date.now() - t0 };
    results.push(r);
    onCase(r);
  }
  return results;
}

/** The figures `docs/RELIABILITY.md` reports, over the steps of `results`. */
export function tally(results: readonly CaseResult[]) {
  const steps = results.flatMap((r) => r.steps);
  const count = (...v: string[]) => steps.filter((s) => v.includes(s.verdict)).length;
  return {
    cases: results.length,
    skipped: results.filter((r) => r.skipped !== undefined).length,
    tried: steps.length,
    refusedCorrectly: count("refused", "finished"),
    committed: count("committed"),
    checksHeld: count("ok"),
    hangs: count("hang"),
    failedButCommitted: count("failed-but-committed"),
    succeededWithoutChange: count("succeeded-without-change"),
    notMended: count("not-mended"),
    wrong: count("wrong"),
  };
}
