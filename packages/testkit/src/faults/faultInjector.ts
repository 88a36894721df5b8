import { ErrorCode, LivingReportsError } from "@living-reports/core";
import {
  APPLIED_BY_DEFAULT,
  FAULT_ERROR_CODES,
  FAULT_OPS,
  type FaultErrorCode,
  type FaultOp,
  type FaultPlan,
  type FaultRule,
  type FiredFault,
} from "./faultRule.js";
import { compilePathPattern, type PathMatcher } from "./pathPattern.js";

/** What happens to one call: decided by the first rule that fired. */
export interface FaultDecision {
  readonly fired: FiredFault;
  /** Run the inner call before reporting (or, for a short write, write the prefix). */
  readonly applied: boolean;
  readonly error?: FaultErrorCode;
  readonly shortWrite?: number;
  /** Drop the file's unsynced data instead of syncing (see `FaultRule.loseUnsynced`). */
  readonly loseUnsynced?: boolean;
}

interface ArmedRule {
  readonly rule: FaultRule;
  readonly matches: PathMatcher;
  readonly random: () => number;
  /** Matching calls seen so far. */
  seen: number;
  /** Times fired so far. */
  fired: number;
}

/**
 * The rule engine behind {@link FaultyBackend}: counts calls, matches them against the current
 * plan and decides which fault (if any) each one gets. Deterministic: the same plan and the same
 * sequence of calls always give the same decisions.
 */
export class FaultInjector {
  #rules: ArmedRule[] = [];
  #fired: FiredFault[] = [];
  #calls = new Map<FaultOp, number>();

  /**
   * Replaces the plan; counters of the rules and the record of fired faults start afresh (the
   * per-op call counts do not).
   *
   * @throws LivingReportsError INVALID_INPUT for a malformed rule (unknown op or errno, `nth` and
   *   `probability` together, a rule that neither fails nor shortens, `shortWrite` off `write`)
   */
  setPlan(plan: FaultPlan): void {
    plan.forEach(checkRule);
    this.#rules = plan.map(arm);
    this.#fired = [];
  }

  /** Appends one rule to the current plan, keeping every counter. @throws as {@link setPlan} */
  addRule(rule: FaultRule): void {
    checkRule(rule, this.#rules.length);
    this.#rules.push(arm(rule));
  }

  /** The faults fired since the plan was last set, in order. */
  get fired(): readonly FiredFault[] {
    return this.#fired;
  }

  /** How many calls of `op` (or of every op, for `"*"`) were made, faulted or not. */
  callCount(op: FaultOp | "*"): number {
    if (op !== "*") return this.#calls.get(op) ?? 0;
    let total = 0;
    for (const n of this.#calls.values()) total += n;
    return total;
  }

  /**
   * Counts a call and decides its fate: `undefined` to pass it through untouched. Every rule that
   * matches the call counts it, even when an earlier rule already fired on it.
   */
  decide(op: FaultOp, path: string, to?: string): FaultDecision | undefined {
    this.#calls.set(op, (this.#calls.get(op) ?? 0) + 1);
    let decision: FaultDecision | undefined;
    this.#rules.forEach((armed, ruleIndex) => {
      const { rule } = armed;
      if (rule.op !== "*" && rule.op !== op) return;
      if (!armed.matches(path) && (to === undefined || !armed.matches(to))) return;
      armed.seen += 1;
      if (!shouldFire(armed) || decision !== undefined) return;
      armed.fired += 1;
      decision = decisionFor(armed, ruleIndex, op, path, to);
      this.#fired.push(decision.fired);
    });
    return decision;
  }
}

function shouldFire(armed: ArmedRule): boolean {
  const { rule } = armed;
  if (rule.times !== "always" && armed.fired > 0) return false;
  if (rule.probability !== undefined) return armed.random() < rule.probability;
  const nth = rule.nth ?? 1;
  return rule.times === "always" ? armed.seen >= nth : armed.seen === nth;
}

function decisionFor(
  armed: ArmedRule,
  ruleIndex: number,
  op: FaultOp,
  path: string,
  to?: string,
): FaultDecision {
  const { rule } = armed;
  const shortWrite = op === "write" ? rule.shortWrite : undefined;
  const lose = rule.loseUnsynced === true && (op === "sync" || op === "datasync");
  const applied = lose
    ? false
    : shortWrite === undefined
      ? (rule.applied ?? APPLIED_BY_DEFAULT.has(op))
      : shortWrite > 0;
  const fired: FiredFault = {
    rule,
    ruleIndex,
    op,
    path,
    match: armed.seen,
    applied,
    ...(to === undefined ? {} : { to }),
    ...(rule.error === undefined ? {} : { error: rule.error }),
    ...(shortWrite === undefined ? {} : { shortWrite }),
    ...(lose ? { loseUnsynced: true } : {}),
  };
  return {
    fired,
    applied,
    ...(rule.error === undefined ? {} : { error: rule.error }),
    ...(shortWrite === undefined ? {} : { shortWrite }),
    ...(lose ? { loseUnsynced: true } : {}),
  };
}

function arm(rule: FaultRule): ArmedRule {
  return {
    rule,
    matches: compilePathPattern(rule.path),
    random: mulberry32(rule.seed ?? 1),
    seen: 0,
    fired: 0,
  };
}

function checkRule(rule: FaultRule, index: number): void {
  const bad = (why: string): never => {
    throw new LivingReportsError(ErrorCode.INVALID_INPUT, `fault rule ${index}: ${why}`, {
      details: { rule: { ...rule, path: String(rule.path) } },
    });
  };
  if (rule.op !== "*" && !(FAULT_OPS as readonly string[]).includes(rule.op)) bad(`unknown op ${rule.op}`);
  if (typeof rule.path === "string" && rule.path.startsWith("/"))
    bad(
      `path ${JSON.stringify(rule.path)} is absolute; backend paths are relative to its root ` +
        `(e.g. ${JSON.stringify(rule.path.replace(/^\/+/, ""))})`,
    );
  if (rule.loseUnsynced !== undefined) {
    if (rule.op !== "sync" && rule.op !== "datasync")
      bad("loseUnsynced applies to ops sync and datasync only");
    if (rule.error === undefined) bad("loseUnsynced needs an error (the failure the sync reports)");
    if (rule.applied === true) bad("loseUnsynced and applied: true are exclusive (the sync saves nothing)");
  }
  if (rule.error !== undefined && !FAULT_ERROR_CODES.includes(rule.error)) bad(`unknown error ${rule.error}`);
  if (rule.nth !== undefined && rule.probability !== undefined) bad("nth and probability are exclusive");
  if (rule.nth !== undefined && !(Number.isInteger(rule.nth) && rule.nth >= 1))
    bad("nth must be an integer ≥ 1");
  if (rule.probability !== undefined && !(rule.probability >= 0 && rule.probability <= 1))
    bad("probability must be within 0..1");
  if (rule.times !== undefined && rule.times !== "once" && rule.times !== "always")
    bad("times is once or always");
  if (rule.shortWrite !== undefined) {
    if (rule.op !== "write") bad("shortWrite applies to op write only");
    if (!(Number.isInteger(rule.shortWrite) && rule.shortWrite >= 0))
      bad("shortWrite must be an integer ≥ 0");
  } else if (rule.error === undefined) {
    bad("a rule needs an error (or a shortWrite)");
  }
}

/** A small seeded PRNG (mulberry32): uniform in [0, 1), the same sequence for the same seed. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
