import { createHash } from "node:crypto";
import type { StepRecord } from "./workload.js";

/**
 * Names a workload draws at random: UUIDs (report, section, action and session ids), hex runs of
 * 16 or more characters (temp-name suffixes, content hashes), and shorter hex runs of 8 or more
 * that have a letter or begin one of those longer names (id prefixes in step labels). Other runs
 * of digits are left alone: they may be numbers that matter.
 */
const CANDIDATE =
  /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|(?<![0-9a-z])[0-9a-f]{8,}(?![0-9a-z])/gi;

/** The names {@link CANDIDATE} finds that are random whatever their digits, and their prefixes. */
function longNames(texts: Iterable<string>): Set<string> {
  const out = new Set<string>();
  for (const text of texts) {
    for (const [m] of text.matchAll(CANDIDATE)) {
      if (m.length < 16) continue;
      const name = m.toLowerCase();
      for (let n = 8; n < 16; n++) out.add(name.slice(0, n));
    }
  }
  return out;
}

function isRandom(token: string, prefixes: ReadonlySet<string>): boolean {
  return token.length >= 16 || /[a-f]/i.test(token) || prefixes.has(token.toLowerCase());
}

/** ISO 8601 instants (`2025-01-01T00:00:02.000Z`) and backup-name stamps (`20250101T000003_000000`). */
const INSTANT = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z|\d{8}T\d{6}_\d{6}/g;

/**
 * A key for what a checker is shown at one crash state, equal for two states that differ only by
 * names drawn at random and by the exact times on the clock:
 *
 * - each random name (see {@link CANDIDATE}) becomes `#n`, numbered by first appearance: in
 *   the steps (in start order) first, then in the files, visited in an order that does not depend
 *   on the random names themselves. Equal names stay equal and distinct names distinct, so which
 *   event names which report, or which backup carries which hash, is kept;
 * - each instant becomes `@n`, its rank among the instants of the state, so order and equality
 *   of times are kept (backup names sort as their times do) but not the times themselves.
 *
 * What it assumes: a workload never writes two contents that differ only by random names where
 * the difference matters to its checker (e.g. a hash that no longer matches its content because
 * only the ids inside changed). The exact bytes still tell states of one recording apart.
 */
export function canonicalStateKey(
  steps: { readonly acked: readonly StepRecord[]; readonly inFlight: readonly StepRecord[] },
  files: Readonly<Record<string, string | null>>,
): string {
  return canonicalKeyer(steps)(files);
}

/**
 * {@link canonicalStateKey} for many file sets under the same steps (one crash point): the
 * steps are serialised once.
 */
export function canonicalKeyer(steps: {
  readonly acked: readonly StepRecord[];
  readonly inFlight: readonly StepRecord[];
}): (files: Readonly<Record<string, string | null>>) => string {
  const stepText = JSON.stringify([steps.acked.map(describeStep), steps.inFlight.map(describeStep)]);
  const stepInstants = [...stepText.matchAll(INSTANT)].map((m) => m[0]);
  return (files) => {
    const texts = [stepText];
    for (const [path, content] of Object.entries(files)) texts.push(path, content ?? "");
    const prefixes = longNames(texts);
    const names = new Map<string, string>();
    const stepRendered = renameAll(stepText, names, prefixes);
    const instants = new Set(stepInstants);
    // Visit files in the order of their names and contents with the names not yet numbered
    // masked, so that the numbering does not follow the random names' own sort order.
    const masked = (text: string): string =>
      text.replace(CANDIDATE, (name) =>
        isRandom(name, prefixes) ? (names.get(name.toLowerCase()) ?? "#?") : name,
      );
    const entries = Object.entries(files)
      .map(([path, content]) => ({ path, content, order: `${masked(path)}\0${masked(content ?? "")}` }))
      .sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : 0));
    const parts: string[] = [];
    for (const { path, content } of entries) {
      for (const m of `${path}\0${content ?? ""}`.matchAll(INSTANT)) instants.add(m[0]);
      parts.push(
        `${renameAll(path, names, prefixes)}\0${content === null ? "/" : renameAll(content, names, prefixes)}`,
      );
    }
    parts.sort();
    const times = [...new Set([...instants].map(timeOf))].sort((a, b) => a - b);
    const rankOf = new Map(times.map((t, i) => [t, `@${i}`]));
    const text = [stepRendered, ...parts].join("\n").replace(INSTANT, (t) => rankOf.get(timeOf(t)) ?? t);
    return createHash("sha1").update(text).digest("base64");
  };
}

/** Replaces each random name by its `#n`, numbering new ones in `names`. */
function renameAll(text: string, names: Map<string, string>, prefixes: ReadonlySet<string>): string {
  return text.replace(CANDIDATE, (name) => {
    if (!isRandom(name, prefixes)) return name;
    const key = name.toLowerCase();
    let short = names.get(key);
    if (short === undefined) {
      short = `#${names.size}`;
      names.set(key, short);
    }
    return short;
  });
}

function describeStep(step: StepRecord): unknown {
  return [step.index, step.label, step.effect ?? null, step.error ?? null];
}

function timeOf(instant: string): number {
  const compact = /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)_(\d{6})$/.exec(instant);
  if (compact === null) return Date.parse(instant);
  const [, y, mo, d, h, mi, s, us] = compact.map(Number) as number[];
  return Date.UTC(y ?? 0, (mo ?? 1) - 1, d ?? 1, h ?? 0, mi ?? 0, s ?? 0) + (us ?? 0) / 1000;
}
