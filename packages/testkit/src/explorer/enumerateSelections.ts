import { type CrashMode, ErrorCode, LivingReportsError } from "@living-reports/core";
import {
  type CrashChange,
  type CrashSelectionSpec,
  type CrashTearSpec,
  DEFAULT_TORN_FILLS,
  TORN_FILLS,
  type TornFill,
} from "./crashableDisk.js";
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

/** How torn writes tear (crash mode `torn`). */
export interface TearOptions {
  /**
   * Tears fall on multiples of this many bytes of the file (default 1: any byte). A write that
   * crosses no boundary is never cut (a sector is written whole), though a `zeros` or `garbage`
   * fill may still replace all of it.
   */
  readonly sectorSize?: number;
  /** What a torn write leaves past its cut (default all of them, see {@link TornFill}). */
  readonly fills?: readonly TornFill[];
}

/** The crash states of one crash point, and whether they are all the states the mode allows. */
export interface PointSelections {
  readonly list: CrashSelectionSpec[];
  /** True when `list` holds every state the mode allows here (nothing sampled). */
  readonly complete: boolean;
}

/**
 * The crash states `mode` allows for one crash point (docs/CRASH-MODEL.md), at most `limit` of them:
 * all of them while there are no more than `limit`, else the most telling ones first (nothing
 * kept, everything kept, each stream cut short alone) and a seeded sample for the rest. Torn
 * states cut the last kept write of one stream at each sector boundary inside it (exhaustively),
 * or at its first, middle and last boundary (sampled), with each fill.
 * No two returned selections are equal.
 */
export function enumerateSelections(
  changes: readonly CrashChange[],
  mode: CrashMode,
  limit: number,
  seed: number,
  tears: TearOptions = {},
): CrashSelectionSpec[] {
  return selectionsOf(changes, mode, limit, seed, tears).list;
}

/** {@link enumerateSelections}, saying whether the list is the whole space. */
export function selectionsOf(
  changes: readonly CrashChange[],
  mode: CrashMode,
  limit: number,
  seed: number,
  tears: TearOptions = {},
): PointSelections {
  const out = new SelectionSet(limit);
  if (mode === "drop" || changes.length === 0) {
    out.add([], []);
    return { list: out.list, complete: true };
  }
  if (mode === "reorder") return { list: out.list, complete: reorderStates(changes, out, seed) };
  const tearing = mode === "torn" ? new Tearing(tears) : undefined;
  const streams = changeStreams(changes);
  const all = new SelectionSet(limit);
  if (allPrefixStates(streams, tearing, all)) return { list: all.list, complete: true };
  sampledPrefixStates(streams, tearing, out, seed);
  return { list: out.list, complete: false };
}

/** Selections without duplicates, up to a limit. */
class SelectionSet {
  readonly list: CrashSelectionSpec[] = [];
  readonly #keys = new Set<string>();
  /** Set when a new selection was refused for lack of room. */
  overflow = false;
  constructor(readonly limit: number) {}

  get full(): boolean {
    return this.list.length >= this.limit;
  }

  add(keep: readonly number[], tear: readonly CrashTearSpec[]): void {
    const sorted = [...keep].sort((a, b) => a - b);
    const key = `${sorted.join(",")}|${tear.map((t) => `${t.id}:${t.bytes}:${t.fill ?? "cut"}`).join(",")}`;
    if (this.#keys.has(key)) return;
    if (this.full) {
      this.overflow = true;
      return;
    }
    this.#keys.add(key);
    this.list.push(tear.length === 0 ? { keep: new Set(sorted) } : { keep: new Set(sorted), tear });
  }
}

/** Adds the reorder states; true when all of them fit. */
function reorderStates(changes: readonly CrashChange[], out: SelectionSet, seed: number): boolean {
  const ids = changes.map((c) => c.id);
  const n = ids.length;
  if (n < 31 && 2 ** n <= out.limit) {
    for (let mask = 0; mask < 2 ** n; mask++)
      out.add(
        ids.filter((_, i) => (mask >>> i) & 1),
        [],
      );
    return true;
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
  return false;
}

/** Where and how the writes of one crash point may tear. */
class Tearing {
  readonly sector: number;
  readonly fills: readonly TornFill[];
  constructor(options: TearOptions) {
    this.sector = options.sectorSize ?? 1;
    this.fills = options.fills ?? DEFAULT_TORN_FILLS;
    if (!(Number.isInteger(this.sector) && this.sector >= 1)) {
      throw new LivingReportsError(
        ErrorCode.INVALID_INPUT,
        `sectorSize must be an integer ≥ 1, got ${options.sectorSize}`,
      );
    }
    if (this.fills.length === 0 || this.fills.some((f) => !TORN_FILLS.includes(f))) {
      throw new LivingReportsError(
        ErrorCode.INVALID_INPUT,
        `fills must be some of ${TORN_FILLS.join(", ")}, got ${JSON.stringify(this.fills)}`,
      );
    }
  }

  /** The byte counts a write may be cut after: the sector boundaries strictly inside it. */
  cuts(change: CrashChange): number[] {
    const len = change.data?.length ?? 0;
    const offset = change.offset ?? 0;
    const out: number[] = [];
    for (let b = this.sector - (offset % this.sector); b < len; b += this.sector) out.push(b);
    return out;
  }

  /** Every tear of `change`: each cut with each fill, and the fills of the whole write. */
  all(change: CrashChange): CrashTearSpec[] {
    return this.at(change, this.cuts(change));
  }

  /** The telling tears: the first, middle and last cut, with each fill. */
  telling(change: CrashChange): CrashTearSpec[] {
    const cuts = this.cuts(change);
    const picks = cuts.length <= 3 ? cuts : [cuts[0], cuts[cuts.length >> 1], cuts.at(-1)];
    return this.at(
      change,
      [...new Set(picks)].filter((b): b is number => b !== undefined),
    );
  }

  /**
   * One of the telling tears, at random. Sampling draws from the telling cuts only, not from
   * every byte: the sampled space stays finite, so rounds stop finding new states and end.
   */
  random(change: CrashChange, rand: () => number): CrashTearSpec | undefined {
    const options = this.telling(change);
    return options[randomBelow(rand, options.length)];
  }

  at(change: CrashChange, cuts: readonly number[]): CrashTearSpec[] {
    const out: CrashTearSpec[] = [];
    // Filled from byte 0: the file took the write's size but none of its data.
    for (const fill of this.fills) if (fill !== "cut") out.push({ id: change.id, bytes: 0, fill });
    for (const bytes of cuts)
      for (const fill of this.fills)
        out.push(fill === "cut" ? { id: change.id, bytes } : { id: change.id, bytes, fill });
    return out;
  }
}

/** Adds every prefix state (with every tear); false, with `out` incomplete, when they do not fit. */
function allPrefixStates(streams: CrashChange[][], tearing: Tearing | undefined, out: SelectionSet): boolean {
  const total = streams.reduce((n, s) => n * (s.length + 1), 1);
  if (total > out.limit) return false;
  const cuts = streams.map(() => 0);
  for (let k = 0; k < total; k++) {
    const keep = streams.flatMap((s, i) => s.slice(0, cuts[i]).map((c) => c.id));
    out.add(keep, []);
    if (tearing !== undefined)
      for (const last of tearCandidates(streams, cuts))
        for (const tear of tearing.all(last)) out.add(keep, [tear]);
    if (out.overflow) return false;
    for (let i = 0; i < cuts.length; i++) {
      const len = streams[i]?.length ?? 0;
      if ((cuts[i] ?? 0) < len) {
        cuts[i] = (cuts[i] ?? 0) + 1;
        break;
      }
      cuts[i] = 0;
    }
  }
  return true;
}

/** The most telling prefix states first, then a seeded sample, up to the limit. */
function sampledPrefixStates(
  streams: CrashChange[][],
  tearing: Tearing | undefined,
  out: SelectionSet,
  seed: number,
): void {
  const emit = (cuts: readonly number[]): void => {
    const keep = streams.flatMap((s, i) => s.slice(0, cuts[i]).map((c) => c.id));
    out.add(keep, []);
    if (tearing !== undefined)
      for (const last of tearCandidates(streams, cuts))
        for (const tear of tearing.telling(last)) out.add(keep, [tear]);
  };
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
    const candidates = tearing === undefined ? [] : tearCandidates(streams, cuts);
    const pick = candidates[randomBelow(rand, candidates.length)];
    const tear = pick !== undefined && rand() < 0.5 ? tearing?.random(pick, rand) : undefined;
    out.add(keep, tear === undefined ? [] : [tear]);
  }
}

/** The last kept change of each stream when it is a non-empty write. */
function tearCandidates(streams: readonly CrashChange[][], cuts: readonly number[]): CrashChange[] {
  const out: CrashChange[] = [];
  streams.forEach((s, i) => {
    const last = s[(cuts[i] ?? 0) - 1];
    if (last?.kind === "write" && (last.data?.length ?? 0) >= 1) out.push(last);
  });
  return out;
}
