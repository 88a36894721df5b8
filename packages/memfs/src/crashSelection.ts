import type { CrashMode } from "@living-reports/core";
import { type CrashSelection, type CrashTear, isDataChange, type PendingChange } from "./pendingChange.js";
import { mulberry32, randomBelow } from "./prng.js";

/**
 * Picks, with a seeded PRNG, one crash state that `mode` allows (docs/CRASH-MODEL.md):
 * - `drop`: no pending change survives;
 * - `prefix`: per file a prefix of its data changes, per directory a prefix of its entry
 *   changes (each prefix length uniform, the empty and the full prefix included);
 * - `torn`: as `prefix`, and the last kept change of a file, when it is a non-empty write, is cut
 *   at a uniformly chosen byte with probability ½;
 * - `reorder`: each change independently, with probability ½.
 *
 * The same changes, mode and seed always give the same selection.
 */
export function selectCrash(
  changes: readonly PendingChange[],
  mode: CrashMode,
  seed: number,
): CrashSelection {
  const rand = mulberry32(seed);
  if (mode === "drop") return { keep: new Set() };
  if (mode === "reorder") return { keep: new Set(changes.filter(() => rand() < 0.5).map((c) => c.id)) };
  const keep = new Set<number>();
  const tears: CrashTear[] = [];
  for (const stream of streams(changes)) {
    const kept = stream.slice(0, randomBelow(rand, stream.length + 1));
    for (const change of kept) keep.add(change.id);
    const last = kept.at(-1);
    if (mode !== "torn" || last?.kind !== "write" || last.data.length === 0) continue;
    if (rand() < 0.5) tears.push({ id: last.id, bytes: randomBelow(rand, last.data.length) });
  }
  return tears.length === 0 ? { keep } : { keep, tear: tears };
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
