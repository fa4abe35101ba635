/**
 * A small seeded PRNG (sfc32, 128-bit state) whose whole state can be saved and restored, so a
 * sample is reproducible from its seed and the reservoirs continue the same sequence after a restart.
 */

export type PrngState = [number, number, number, number];

export interface Prng {
  /** Uniform integer in [0, 2^32). */
  nextUint32(): number;
  /** Uniform integer in [0, n) without modulo bias. */
  int(n: number): number;
  state(): PrngState;
}

const TWO_32 = 2 ** 32;

export function createPrng(seed: number | PrngState): Prng {
  let [a, b, c, d] = typeof seed === 'number' ? seedState(seed) : seed;

  const nextUint32 = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };

  const int = (n: number): number => {
    if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`int(n) needs a positive safe integer, got ${n}`);
    if (n <= TWO_32) {
      // Rejection sampling: drop the top sliver of the 32-bit range that would bias the modulo.
      const limit = TWO_32 - (TWO_32 % n);
      for (;;) {
        const u = nextUint32();
        if (u < limit) return u % n;
      }
    }
    // Past 2^32 items a 53-bit float is uniform enough (bias below 2^-20).
    const x = (nextUint32() * 2 ** 21 + (nextUint32() >>> 11)) / 2 ** 53;
    return Math.floor(x * n);
  };

  return { nextUint32, int, state: () => [a >>> 0, b >>> 0, c >>> 0, d >>> 0] };
}

/** Spreads a 32-bit seed over the four state words (splitmix32), then discards the warm-up outputs. */
function seedState(seed: number): PrngState {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffff_ffff) {
    throw new RangeError(`seed must be an integer from 0 to 2^32-1, got ${seed}`);
  }
  let s = seed >>> 0;
  const split = (): number => {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  const state: PrngState = [split(), split(), split(), split()];
  const warm = createPrng(state);
  for (let i = 0; i < 12; i++) warm.nextUint32();
  return warm.state();
}
