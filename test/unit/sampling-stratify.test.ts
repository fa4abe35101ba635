import { describe, expect, it } from 'vitest';
import type { KeptCall } from '../../shared/sampling.js';
import { createPrng } from '../../electron/core/sampling/prng.js';
import { SamplingError, drawSample } from '../../electron/core/sampling/stratify.js';
import { callRecord } from '../support/call-record.js';

const T0 = Date.UTC(2025, 4, 1, 8, 0, 0);
const RANGE = { from: T0, to: T0 + 48 * 3_600_000 };

function kept(id: string, intent: string, endedAtMs: number, opts: { failure?: boolean; uniform?: boolean } = {}): KeptCall {
  const at = new Date(endedAtMs).toISOString();
  const call = callRecord({ id, startedAt: at, endedAt: at, intent, outcome: opts.failure ? 'failed' : 'completed' });
  return { call, intent, endedAtMs, failure: opts.failure ?? false, uniform: opts.uniform ?? true };
}

/** `n` uniform calls per intent spread over the range, every `failEvery`th a failure. */
function poolFor(counts: Record<string, number>, failEvery = 0): KeptCall[] {
  return Object.entries(counts).flatMap(([intent, n]) =>
    Array.from({ length: n }, (_, i) =>
      kept(`${intent}-${i}`, intent, RANGE.from + Math.floor(((i + 0.5) / n) * (RANGE.to - RANGE.from)), {
        failure: failEvery > 0 && i % failEvery === 0,
      }),
    ),
  );
}

const traffic = (t: Record<string, number>) => Object.entries(t).map(([intent, n]) => ({ intent, traffic: n }));

describe('drawSample', () => {
  it('gives every intent with traffic a call and the rest by largest remainder', () => {
    const t = { orders: 1000, billing: 500, cancel: 300, human: 10, rare: 3 };
    const s = drawSample({ pool: poolFor({ orders: 200, billing: 200, cancel: 200, human: 50, rare: 2 }), traffic: traffic(t), range: RANGE, seed: 1, overweightFailures: false });
    expect(s.calls).toHaveLength(24);
    expect(Object.fromEntries(s.allocation.map((a) => [a.intent, a.sampled]))).toEqual({ orders: 13, billing: 6, cancel: 3, human: 1, rare: 1 });
    for (const a of s.allocation) expect(Math.abs(a.sampled - a.ideal)).toBeLessThan(1);
    expect(s.allocation[0]).toMatchObject({ intent: 'orders', traffic: 1000 });
    expect(s.allocation[0]?.share).toBeCloseTo(1000 / 1813, 10);
    const intentOf = (id: string) => id.slice(0, id.lastIndexOf('-'));
    for (const a of s.allocation) expect(s.calls.filter((id) => intentOf(id) === a.intent)).toHaveLength(a.sampled);
    expect(new Set(s.calls).size).toBe(24);
  });

  it('lands every intent within one call of its ideal across many traffic mixes', () => {
    const rng = createPrng(99);
    let checked = 0;
    for (let trial = 0; trial < 300; trial++) {
      const intents = 2 + rng.int(9);
      const t: Record<string, number> = {};
      for (let i = 0; i < intents; i++) t[`i${i}`] = 1 + rng.int(rng.int(4) > 0 ? 5000 : 50);
      const size = 20 + rng.int(11);
      const counts = Object.fromEntries(Object.keys(t).map((k) => [k, 40]));
      const s = drawSample({ pool: poolFor(counts), traffic: traffic(t), size, range: RANGE, seed: trial, overweightFailures: false });
      expect(s.calls).toHaveLength(size);
      for (const a of s.allocation) expect(a.sampled).toBeGreaterThanOrEqual(1);
      // Within one call is reachable unless the one-call minimums alone overspend the sample.
      const floors = s.allocation.reduce((n, a) => n + Math.max(1, Math.floor(a.ideal)), 0);
      if (floors <= size) {
        checked += 1;
        for (const a of s.allocation) expect(Math.abs(a.sampled - a.ideal)).toBeLessThan(1);
      }
    }
    expect(checked).toBeGreaterThan(150);
  });

  it('is reproducible from the seed whatever order the pool comes in', () => {
    const pool = poolFor({ orders: 200, billing: 120, cancel: 80 }, 7);
    const input = { traffic: traffic({ orders: 900, billing: 400, cancel: 200 }), range: RANGE, seed: 12345, overweightFailures: true, size: 30 };
    const a = drawSample({ ...input, pool });
    const b = drawSample({ ...input, pool: [...pool].reverse() });
    expect(b).toEqual(a);
    const c = drawSample({ ...input, pool, seed: 54321 });
    expect(c.calls).not.toEqual(a.calls);
    expect(c.allocation.map((x) => x.sampled)).toEqual(a.allocation.map((x) => x.sampled));
  });

  it('orders the sample by end time and keeps to the range', () => {
    const pool = poolFor({ orders: 200, billing: 200 });
    const range = { from: RANGE.from, to: RANGE.from + 6 * 3_600_000 };
    const s = drawSample({ pool, traffic: traffic({ orders: 10, billing: 10 }), range, seed: 3, overweightFailures: false });
    const byId = new Map(pool.map((k) => [k.call.id, k.endedAtMs]));
    const times = s.calls.map((id) => byId.get(id) ?? -1);
    expect(times.every((t) => t >= range.from && t < range.to)).toBe(true);
    expect([...times].sort((x, y) => x - y)).toEqual(times);
  });

  it('over-weights failures: half of each intent from its failures when asked, none forced otherwise', () => {
    const uniform = poolFor({ orders: 200, billing: 200 }, 20);
    const failureOnly = ['orders', 'billing'].flatMap((intent) =>
      Array.from({ length: 40 }, (_, i) => kept(`${intent}-f${i}`, intent, RANGE.from + i * 60_000, { failure: true, uniform: false })),
    );
    const pool = [...uniform, ...failureOnly];
    const input = { pool, traffic: traffic({ orders: 700, billing: 300 }), range: RANGE, size: 30, seed: 8 };
    const weighted = drawSample({ ...input, overweightFailures: true });
    const rows = Object.fromEntries(weighted.allocation.map((a) => [a.intent, a]));
    expect(rows.orders).toMatchObject({ sampled: 21, failuresSampled: 11 });
    expect(rows.billing).toMatchObject({ sampled: 9, failuresSampled: 5 });
    const failed = new Set(pool.filter((k) => k.failure).map((k) => k.call.id));
    expect(weighted.calls.filter((id) => failed.has(id))).toHaveLength(16);

    const plain = drawSample({ ...input, overweightFailures: false });
    const failureOnlyIds = new Set(failureOnly.map((k) => k.call.id));
    expect(plain.calls.some((id) => failureOnlyIds.has(id))).toBe(false);
    expect(plain.allocation.reduce((n, a) => n + a.failuresSampled, 0)).toBeLessThan(16);
  });

  it('takes failure-only calls when an intent has no uniform calls in the range', () => {
    const pool = [...poolFor({ orders: 100 }), kept('billing-f1', 'billing', RANGE.from + 1000, { failure: true, uniform: false })];
    const s = drawSample({ pool, traffic: traffic({ orders: 5000, billing: 5 }), range: RANGE, seed: 1, overweightFailures: false });
    expect(s.calls).toContain('billing-f1');
  });

  it('gives the share of an intent with nothing held to the others and reports it', () => {
    const s = drawSample({ pool: poolFor({ orders: 100, billing: 100 }), traffic: traffic({ orders: 50, billing: 50, cancel: 100 }), range: RANGE, seed: 2, overweightFailures: false });
    expect(s.calls).toHaveLength(24);
    expect(s.allocation.find((a) => a.intent === 'cancel')).toMatchObject({ sampled: 0, ideal: 12, share: 0.5 });
  });

  it('caps an intent at what the pool holds and fills the sample from the others', () => {
    const s = drawSample({ pool: poolFor({ orders: 100, billing: 2 }), traffic: traffic({ orders: 50, billing: 50 }), range: RANGE, seed: 2, overweightFailures: false });
    expect(Object.fromEntries(s.allocation.map((a) => [a.intent, a.sampled]))).toEqual({ orders: 22, billing: 2 });
  });

  it('returns the whole pool when it holds fewer calls than asked', () => {
    const s = drawSample({ pool: poolFor({ orders: 5, billing: 3 }), traffic: traffic({ orders: 50, billing: 50 }), range: RANGE, seed: 2, overweightFailures: false });
    expect(s.calls).toHaveLength(8);
  });

  it('with more intents than calls, gives one call each to the busiest', () => {
    const t = Object.fromEntries(Array.from({ length: 35 }, (_, i) => [`i${String(i).padStart(2, '0')}`, 100 + i]));
    const s = drawSample({ pool: poolFor(Object.fromEntries(Object.keys(t).map((k) => [k, 3]))), traffic: traffic(t), size: 30, range: RANGE, seed: 2, overweightFailures: false });
    const sampled = s.allocation.filter((a) => a.sampled > 0).map((a) => a.intent).sort();
    expect(sampled).toEqual(Object.keys(t).slice(5));
    expect(s.allocation.every((a) => a.sampled <= 1)).toBe(true);
  });

  it('refuses a size outside 20-30 with a clear message', () => {
    const base = { pool: poolFor({ orders: 10 }), traffic: traffic({ orders: 10 }), range: RANGE, seed: 1, overweightFailures: false };
    expect(() => drawSample({ ...base, size: 19 })).toThrow(SamplingError);
    expect(() => drawSample({ ...base, size: 31 })).toThrow('invalid sample request: size: must be 20 to 30 calls, got 31');
    expect(() => drawSample({ ...base, size: 24.5 })).toThrow(/size: must be a whole number/);
    expect(() => drawSample({ ...base, range: { from: 10, to: 5 } })).toThrow(/range\.to: from must be before to/);
    expect(() => drawSample({ ...base, seed: -1 })).toThrow(/seed/);
  });
});
