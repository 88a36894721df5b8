import type { CrashMode } from "@living-reports/core";
import { type CrashSelection, type CrashTear, isDataChange, type PendingChange } from "./pendingChange.js";
import { mulberry32, randomBelow } from "./prng.js";

/** What a torn write may leave (see `CrashTear`), in the order they are drawn from. */
export const TORN_FILLS: readonly NonNullable<CrashTear["fill"]>[] = ["cut", "zeros", "garbage"];

/** How writes tear in crash mode `torn`. */
export interface TornWrites {
  /** Tears fall on multiples of this many bytes of the file (default 1: any byte). */
  readonly sectorSize?: number;
  /** What a torn write may leave past its tear (default all of {@link TORN_FILLS}). */
  readonly fills?: readonly NonNullable<CrashTear["fill"]>[];
}

/**
 * Picks, with a seeded PRNG, one crash state that `mode` allows (docs/CRASH-MODEL.md):
 * - `drop`: no pending change survives;
 * - `prefix`: per file a prefix of its data changes, per directory a prefix of its entry
 *   changes (each prefix length uniform, the empty and the full prefix included);
 * - `torn`: as `prefix`, and the last kept change of a file, when it is a non-empty write, is torn
 *   with probability ½: at its start or at a sector boundary inside it (uniformly), and past that
 *   point nothing lands, or zeros, or garbage (uniformly among `tears.fills`);
 * - `reorder`: each change independently, with probability ½.
 *
 * The same changes, mode and seed always give the same selection.
 */
export function selectCrash(
  changes: readonly PendingChange[],
  mode: CrashMode,
  seed: number,
  tears: TornWrites = {},
): CrashSelection {
  const sector = tears.sectorSize ?? 1;
  const fills = tears.fills ?? TORN_FILLS;
  const rand = mulberry32(seed);
  if (mode === "drop") return { keep: new Set() };
  if (mode === "reorder") return { keep: new Set(changes.filter(() => rand() < 0.5).map((c) => c.id)) };
  const keep = new Set<number>();
  const torn: CrashTear[] = [];
  for (const stream of streams(changes)) {
    const kept = stream.slice(0, randomBelow(rand, stream.length + 1));
    for (const change of kept) keep.add(change.id);
    const last = kept.at(-1);
    if (mode !== "torn" || last?.kind !== "write" || last.data.length === 0) continue;
    if (rand() < 0.5) {
      // A sector boundary inside the write (or its start), and what lands past it.
      const first = sector - (last.offset % sector);
      const inside = first >= last.data.length ? 0 : Math.ceil((last.data.length - first) / sector);
      const k = randomBelow(rand, 1 + inside);
      const bytes = k === 0 ? 0 : first + (k - 1) * sector;
      const fill = fills[randomBelow(rand, fills.length)] ?? "cut";
      torn.push(fill === "cut" ? { id: last.id, bytes } : { id: last.id, bytes, fill });
    }
  }
  return torn.length === 0 ? { keep } : { keep, tear: torn };
}

/** The changes grouped per file (data) and per directory (entries), each in issue order. */
function streams(changes: readonly PendingChange[]): PendingChange[][] {
  const byKey = new Map<string, PendingChange[]>();
  for (const change of changes) {
    const key = isDataChange(change) ? `i${change.inode}` : `d${change.dir}`;
    const stream = byKey.get(key);
    if (stream === undefined) byKey.set(key, [change]);
    else stream.push(change);
  }
  return [...byKey.values()];
}
