/**
 * A small seeded pseudo-random generator (mulberry32): the same seed always yields the same
 * sequence, so a crash chosen by seed can be reproduced exactly.
 *
 * @param seed - any number; only its low 32 bits matter
 * @returns a function returning floats in `[0, 1)`
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer in `[0, n)` drawn from `rand` (`n` ≥ 1). */
export function randomBelow(rand: () => number, n: number): number {
  return Math.min(n - 1, Math.floor(rand() * n));
}
