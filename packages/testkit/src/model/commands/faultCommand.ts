import { ErrorCode, LivingReportsError } from "@living-reports/core";
import type { AsyncCommand } from "fast-check";
import { expect } from "vitest";
import type { FaultOp, FiredFault } from "../../faults/faultRule.js";
import { assertMatchesModel, assertVerifies } from "../invariants.js";
import type { ModelState, StoreModel } from "../modelState.js";
import { differingKeys, expectedObservation, observeStore } from "../observation.js";
import { expireLeftoverLocks, type RealSystem, restartAfterDeath } from "../realSystem.js";
import { asRecovered } from "../transitions.js";
import type { OperationCommand, PreparedCall } from "./operationCommand.js";

/** The errnos a fault command injects (docs/GUARANTEES.md: ENOSPC/EIO/EACCES from the disk). */
export type InjectedErrno = "EIO" | "ENOSPC" | "EACCES";

/** Which call fails: the `nth` call of `op` the operation makes, with `errno`. */
export interface InjectedFaultSpec {
  readonly op: FaultOp;
  readonly nth: number;
  readonly errno: InjectedErrno;
}

/** How the store is brought back after a failure: `repair()` in the same process, or a process death and a reopen. */
export type FaultRecovery = "repair" | "reopen";

type Outcome = { ok: true; answer: unknown } | { ok: false; error: unknown };

/**
 * One operation (on an existing report, so the model knows its outcome) run with one injected
 * fault, then recovery. With B the model before the operation and A the model after it:
 *
 * - the fault did not fire (the operation makes fewer such calls): it behaves as without faults;
 * - the operation resolved (the store absorbed the fault): the store is exactly A, before and
 *   after recovery;
 * - the operation failed: the error is the injected one as a backend maps it (`code` and
 *   `syscode` = the errno), or the operation's own expected refusal. Right away, each thing a
 *   reader sees (each outline, history, index entry, trash entry) is as in B or as in A (G1:
 *   never torn, never a mix within one outline). The commit point is the outline's atomic
 *   rename (a delete's: its durable `delete` event): a fault before it leaves everything as in
 *   B, a fault after it may leave the history or the index behind A. Then recovery (`repair()`,
 *   or a reopen after a process death) must converge: to exactly B when nothing had changed
 *   (a failure is never resurrected), else to exactly A (a commit that became visible is
 *   completed, never lost: the store rolls cut commits forward). `verify()` then finds nothing.
 */
export class FaultCommand implements AsyncCommand<StoreModel, RealSystem> {
  constructor(
    readonly operation: OperationCommand,
    readonly fault: InjectedFaultSpec,
    readonly recovery: FaultRecovery,
  ) {}

  check(model: Readonly<StoreModel>): boolean {
    return this.operation.check(model);
  }

  async run(model: StoreModel, real: RealSystem): Promise<void> {
    real.stats.commands += 1;
    const before = model.state;
    const prepared = await this.operation.prepare(before, real);
    const after = prepared.expected;
    if (after === undefined) throw new Error(`${this.operation.toString()}: its outcome cannot be predicted`);
    const { outcome, fired } = await this.callUnderFault(prepared, real);
    const label = this.toString();
    if (fired === undefined) {
      real.stats.faults.notFired += 1;
      model.state = settleUnfaulted(prepared, outcome, label);
      await assertMatchesModel(model.state, real, label);
      return;
    }
    if (outcome.ok) {
      // Acknowledged: exactly A at once; debris of the absorbed failure (a lock it could not
      // remove) is the recovery's to clear.
      expect(prepared.expectedError, `${label} resolved`).toBeUndefined();
      model.state = prepared.settle(outcome.answer);
      real.stats.faults.absorbed += 1;
      await assertMatchesModel(model.state, real, label);
      await this.recover(real, label);
      await assertMatchesModel(model.state, real, `${label}, once recovered`);
      await assertVerifies(real, label);
      return;
    }
    checkFailure(outcome.error, fired, prepared.expectedError, label);
    const untouched = await checkBeforeOrAfter(real, before, after, label);
    await this.recover(real, label);
    model.state = untouched ? before : await completed(real, before, after);
    if (untouched) real.stats.faults.rolledBack += 1;
    else real.stats.faults.completed += 1;
    await assertMatchesModel(
      model.state,
      real,
      `${label}, once recovered (${untouched ? "as before" : "as after"})`,
    );
    await assertVerifies(real, label);
  }

  toString(): string {
    const { op, nth, errno } = this.fault;
    return `${this.operation.toString()} with ${errno} at ${op} #${nth}, then ${this.recovery}`;
  }

  private async callUnderFault(
    prepared: PreparedCall,
    real: RealSystem,
  ): Promise<{ outcome: Outcome; fired: FiredFault | undefined }> {
    const { op, nth, errno } = this.fault;
    real.process.setPlan([{ op, nth, error: errno }]);
    let outcome: Outcome;
    try {
      outcome = { ok: true, answer: await prepared.call() };
    } catch (error) {
      outcome = { ok: false, error };
    }
    const fired = real.process.fired[0];
    real.process.setPlan([]);
    return { outcome, fired };
  }

  private async recover(real: RealSystem, label: string): Promise<void> {
    await expireLeftoverLocks(real);
    if (this.recovery === "reopen") {
      await restartAfterDeath(real);
      return;
    }
    const repaired = await real.store.repair();
    expect(repaired.unresolved, `repair after ${label}`).toEqual([]);
  }
}

/**
 * The state a completed commit is in: `after` itself when its own event made it to the log,
 * else `after` with the completing event recovery recorded ({@link asRecovered}).
 */
async function completed(real: RealSystem, before: ModelState, after: ModelState): Promise<ModelState> {
  const seen = await observeStore(real);
  return differingKeys(seen, expectedObservation(after)).length === 0 ? after : asRecovered(before, after);
}

/** The outcome of a call whose fault never fired: exactly what the call does without faults. */
function settleUnfaulted(prepared: PreparedCall, outcome: Outcome, label: string): ModelState {
  if (prepared.expectedError !== undefined) {
    expect(outcome.ok, `${label} must fail with ${prepared.expectedError}`).toBe(false);
    if (!outcome.ok) expect((outcome.error as LivingReportsError).code).toBe(prepared.expectedError);
    return prepared.expected!;
  }
  if (!outcome.ok) throw outcome.error;
  return prepared.settle(outcome.answer);
}

/** The failure is the injected fault, mapped as a backend maps it, or the operation's own refusal. */
function checkFailure(
  error: unknown,
  fired: FiredFault,
  refusal: ErrorCode | undefined,
  label: string,
): void {
  expect(error, label).toBeInstanceOf(LivingReportsError);
  const e = error as LivingReportsError;
  if (refusal !== undefined && e.code === refusal) return;
  expect({ code: e.code, syscode: e.syscode }, `${label}: ${e.message}`).toEqual({
    code: codeOf(fired),
    syscode: fired.error,
  });
}

/** The code a backend reports for the fault (docs/GUARANTEES.md: a failed fsync is FSYNC_FAILED). */
function codeOf(fired: FiredFault): ErrorCode {
  if (fired.op === "sync" || fired.op === "datasync" || fired.op === "syncDir") return ErrorCode.FSYNC_FAILED;
  if (fired.error === "ENOSPC") return ErrorCode.NO_SPACE;
  if (fired.error === "EACCES") return ErrorCode.PERMISSION_DENIED;
  return ErrorCode.STORAGE_FAILURE;
}

/**
 * Right after a failed operation, each component a reader sees is as in `before` or as in
 * `after`. @returns whether everything is exactly as before
 */
async function checkBeforeOrAfter(
  real: RealSystem,
  before: ModelState,
  after: ModelState,
  label: string,
): Promise<boolean> {
  const seen = await observeStore(real);
  const asBefore = expectedObservation(before);
  const asAfter = expectedObservation(after);
  const changed = differingKeys(seen, asBefore);
  const neither = changed.filter((key) => JSON.stringify(seen[key]) !== JSON.stringify(asAfter[key]));
  expect(
    Object.fromEntries(
      neither.map((key) => [key, { seen: seen[key], before: asBefore[key], after: asAfter[key] }]),
    ),
    `${label}: right after the failure, what readers see is as before or as after it`,
  ).toEqual({});
  return changed.length === 0;
}
