import type { CrashMode } from "@living-reports/core";
import type { CrashChange, CrashSelectionSpec, CrashTearSpec } from "./crashableDisk.js";
import { mulberry32, randomBelow } from "./prng.js";

const DATA_KINDS: ReadonlySet<string> = new Set(["write", "truncate"]);

/** The changes grouped per file (data) and per directory (entries), each in issue order. */
export function changeStreams(changes: readonly CrashChange[]): CrashChange[][] {
  const byKey = new Map<string, CrashChange[]>();
  for (const change of changes) {
    const key = DATA_KINDS.has(change.kind) ? `i${change.inode}` : `d${change.dir}`;
    const stream = byKey.get(key);
    if (stream === undefined) byKey.set(key, [change]);
    else stream.push(change);
  }
  return [...byKey.values()];
}

/**
 * The crash states `mode` allows for one crash point (docs/CRASH-MODEL.md), at most `limit` of them:
 * all of them while there are no more than `limit`, else the most telling ones first (nothing
 * kept, everything kept, each stream cut short alone) and a seeded sample for the rest. Torn
 * states cut the last kept write of one stream at its first byte, its middle and its last byte
 * (exhaustively) or at a random byte (sampled). No two returned selections are equal.
 */
export function enumerateSelections(
  changes: readonly CrashChange[],
  mode: CrashMode,
  limit: number,
  seed: number,
): CrashSelectionSpec[] {
  const out = new SelectionSet(limit);
  if (mode === "drop" || changes.length === 0) {
    out.add([], []);
    return out.list;
  }
  if (mode === "reorder") reorderStates(changes, out, seed);
  else prefixStates(changeStreams(changes), mode === "torn", out, seed);
  return out.list;
}

/** Selections without duplicates, up to a limit. */
class SelectionSet {
  readonly list: CrashSelectionSpec[] = [];
  readonly #keys = new Set<string>();
  constructor(readonly limit: number) {}

  get full(): boolean {
    return this.list.length >= this.limit;
  }

  add(keep: readonly number[], tear: readonly CrashTearSpec[]): void {
    if (this.full) return;
    const sorted = [...keep].sort((a, b) => a - b);
    const key = `${sorted.join(",")}|${tear.map((t) => `${t.id}:${t.bytes}`).join(",")}`;
    if (this.#keys.has(key)) return;
    this.#keys.add(key);
    this.list.push(tear.length === 0 ? { keep: new Set(sorted) } : { keep: new Set(sorted), tear });
  }
}

function reorderStates(changes: readonly CrashChange[], out: SelectionSet, seed: number): void {
  const ids = changes.map((c) => c.id);
  const n = ids.length;
  if (n < 31 && 2 ** n <= out.limit) {
    for (let mask = 0; mask < 2 ** n; mask++)
      out.add(
        ids.filter((_, i) => (mask >>> i) & 1),
        [],
      );
    return;
  }
  out.add([], []);
  out.add(ids, []);
  for (const id of ids)
    out.add(
      ids.filter((x) => x !== id),
      [],
    );
  for (const id of ids) out.add([id], []);
  const rand = mulberry32(seed);
  for (let tries = 0; !out.full && tries < out.limit * 4; tries++) {
    out.add(
      ids.filter(() => rand() < 0.5),
      [],
    );
  }
}

function prefixStates(streams: CrashChange[][], torn: boolean, out: SelectionSet, seed: number): void {
  const total = streams.reduce((n, s) => n * (s.length + 1), 1);
  const emit = (cuts: readonly number[]): void => {
    const keep = streams.flatMap((s, i) => s.slice(0, cuts[i]).map((c) => c.id));
    out.add(keep, []);
    if (torn) for (const tear of tearsOf(streams, cuts)) out.add(keep, [tear]);
  };
  if (total <= out.limit) {
    const cuts = streams.map(() => 0);
    for (let k = 0; k < total && !out.full; k++) {
      emit(cuts);
      for (let i = 0; i < cuts.length; i++) {
        const len = streams[i]?.length ?? 0;
        if ((cuts[i] ?? 0) < len) {
          cuts[i] = (cuts[i] ?? 0) + 1;
          break;
        }
        cuts[i] = 0;
      }
    }
    if (!torn || out.full) return;
  }
  const full = streams.map((s) => s.length);
  emit(streams.map(() => 0));
  emit(full);
  streams.forEach((s, i) => {
    for (let cut = 0; cut < s.length; cut++) emit(full.map((f, j) => (j === i ? cut : f)));
  });
  const rand = mulberry32(seed);
  for (let tries = 0; !out.full && tries < out.limit * 4; tries++) {
    const cuts = streams.map((s) => randomBelow(rand, s.length + 1));
    const keep = streams.flatMap((s, i) => s.slice(0, cuts[i]).map((c) => c.id));
    const candidates = torn ? tearCandidates(streams, cuts) : [];
    const pick = candidates[randomBelow(rand, candidates.length)];
    if (pick !== undefined && rand() < 0.5) {
      out.add(keep, [{ id: pick.id, bytes: randomBelow(rand, pick.data?.length ?? 0) }]);
    } else out.add(keep, []);
  }
}

/** The last kept change of each stream when it is a write of 2 bytes or more. */
function tearCandidates(streams: readonly CrashChange[][], cuts: readonly number[]): CrashChange[] {
  const out: CrashChange[] = [];
  streams.forEach((s, i) => {
    const last = s[(cuts[i] ?? 0) - 1];
    if (last?.kind === "write" && (last.data?.length ?? 0) >= 2) out.push(last);
  });
  return out;
}

/** One tear per candidate and per telling byte: the first, the middle, the last. */
function tearsOf(streams: readonly CrashChange[][], cuts: readonly number[]): CrashTearSpec[] {
  return tearCandidates(streams, cuts).flatMap((c) => {
    const len = c.data?.length ?? 0;
    return [...new Set([1, Math.floor(len / 2), len - 1])].map((bytes) => ({ id: c.id, bytes }));
  });
}
