/**
 * mulberry32: a small, fast, seeded PRNG. Same seed, same sequence, on every platform, so an
 * exploration can be replayed from its seed. Returns floats in [0, 1).
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A uniform integer in [0, n) from `rand` (0 when n ≤ 1). */
export function randomBelow(rand: () => number, n: number): number {
  return n <= 1 ? 0 : Math.floor(rand() * n);
}
