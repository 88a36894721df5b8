import type { ErrorCode } from "@living-reports/core";
import type { AsyncCommand } from "fast-check";
import { expect } from "vitest";
import { dataSnapshot } from "../../conformance/storeSupport.js";
import { expectError } from "../../conformance/support/expectError.js";
import { assertMatchesModel } from "../invariants.js";
import type { ModelState, StoreModel } from "../modelState.js";
import type { RealSystem } from "../realSystem.js";

/** A command of the model-based run. */
export type ModelCommand = AsyncCommand<StoreModel, RealSystem>;

/** One store call, ready to be made, with what the model predicts of it. */
export interface PreparedCall {
  /** Makes the bare store call (nothing checked: a fault command makes it under faults). */
  call(): Promise<unknown>;
  /**
   * When the call must reject with this code and change nothing (a stale version, a revert to
   * an action without a backup).
   */
  readonly expectedError?: ErrorCode;
  /**
   * The state after the call succeeded, when the model knows it in advance (every operation on
   * an existing report); undefined when it depends on the answer (the id of a new report).
   */
  readonly expected: ModelState | undefined;
  /** Checks the answer of a successful call and returns the state after it. @throws the assertion error */
  settle(answer: unknown): ModelState;
}

/**
 * A command that runs one store operation: {@link prepare} reads what the call needs (without
 * faults) and predicts its outcome; {@link run} makes the call, moves the model, and checks the
 * whole store against it. A call that must fail is also checked to write nothing.
 */
export abstract class OperationCommand implements ModelCommand {
  /** Whether the operation can run in this model state (e.g. there is a report to act on). */
  abstract canRun(state: ModelState): boolean;

  /** Reads what the call needs and predicts its outcome. Only reads. */
  abstract prepare(state: ModelState, real: RealSystem): Promise<PreparedCall>;

  abstract toString(): string;

  check(model: Readonly<StoreModel>): boolean {
    return this.canRun(model.state);
  }

  async run(model: StoreModel, real: RealSystem): Promise<void> {
    real.stats.commands += 1;
    const prepared = await this.prepare(model.state, real);
    if (prepared.expectedError !== undefined) {
      const before = await dataSnapshot(real.disk);
      await expectError(prepared.call(), prepared.expectedError);
      expect(await dataSnapshot(real.disk), `${this.toString()} must write nothing`).toEqual(before);
    } else {
      model.state = prepared.settle(await prepared.call());
    }
    await assertMatchesModel(model.state, real, this.toString());
  }
}

/** A prepared call on an existing report, whose outcome the model knows in advance. */
export function predicted(
  call: () => Promise<unknown>,
  expected: ModelState,
  check: (answer: unknown) => void = () => {},
): PreparedCall {
  return {
    call,
    expected,
    settle(answer) {
      check(answer);
      return expected;
    },
  };
}

/** A prepared call that must reject with `code` and leave `state` as it is. */
export function refused(call: () => Promise<unknown>, state: ModelState, code: ErrorCode): PreparedCall {
  return {
    call,
    expected: state,
    expectedError: code,
    settle() {
      throw new Error(`the call should have failed with ${code}`);
    },
  };
}

/** `JSON.stringify` for labels. */
export function q(value: unknown): string {
  return JSON.stringify(value);
}
