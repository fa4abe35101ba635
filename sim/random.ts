/**
 * Seeded pseudo-random numbers and the distributions the simulator draws from. Everything the
 * simulator makes comes from here, so one seed reproduces a whole launch.
 */

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** Index into `weights`, drawn in proportion to them. */
  weightedIndex(weights: readonly number[]): number;
  /** Standard normal (mean 0, sd 1). */
  normal(): number;
  /** Lognormal with the given median; `sigma` is the sd of its logarithm. */
  lognormal(median: number, sigma: number): number;
  /** Exponential with the given rate (mean 1 / rate). */
  exponential(rate: number): number;
}

/** Scrambles 32 bits well enough that neighbouring seeds give unrelated streams. */
export function mix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** One seed for the `index`-th member of a family, e.g. the n-th call of a run. */
export function deriveSeed(seed: number, index: number): number {
  return mix32(mix32(seed) ^ mix32(index + 0x632be5ab));
}

/** mulberry32: tiny, fast, and plenty for a simulation (not for anything secret). */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = (): number => {
    // Box-Muller; 1 - next() keeps the logarithm's argument away from 0.
    const u = 1 - next();
    const v = next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new Error('pick: no items to pick from');
      return items[Math.floor(next() * items.length)] as T;
    },
    weightedIndex(weights) {
      const total = weights.reduce((a, b) => a + b, 0);
      let r = next() * total;
      for (let i = 0; i < weights.length; i += 1) {
        r -= weights[i] ?? 0;
        if (r < 0) return i;
      }
      return weights.length - 1;
    },
    normal,
    lognormal: (median, sigma) => median * Math.exp(sigma * normal()),
    exponential: (rate) => -Math.log(1 - next()) / rate,
  };
}
