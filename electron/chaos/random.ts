/**
 * The random source chaos decisions draw from. With a seed it is a small deterministic PRNG (mulberry32), so
 * the same script, seed and requests give the same chaos; without one it is seeded from `Math.random`.
 */
export interface Random {
  /** A whole number in [0, bound); 0 when bound <= 0. */
  nextInt(bound: number): number
}

export function seededRandom(seed?: number): Random {
  let state = (seed ?? Math.floor(Math.random() * 2 ** 32)) >>> 0
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return { nextInt: (bound) => (bound <= 0 ? 0 : Math.floor(next() * bound)) }
}
