import { describe, expect, it } from 'vitest';
import type { CallRecord } from '../../shared/protocol.js';
import { HOUR_MS, OTHER_INTENTS } from '../../shared/sampling.js';
import { createPrng } from '../../electron/core/sampling/prng.js';
import { CallSampler, Reservoir } from '../../electron/core/sampling/reservoir.js';
import { callRecord } from '../support/call-record.js';

const T0 = Date.UTC(2025, 4, 1, 8, 0, 0);
const TURNS: CallRecord['turns'] = [];

function call(id: string, intent: string, endedAtMs: number, failed = false): CallRecord {
  const at = new Date(endedAtMs).toISOString();
  return callRecord({
    id,
    startedAt: at,
    endedAt: at,
    intent,
    outcome: failed ? 'failed' : 'completed',
    turns: TURNS,
  });
}

describe('prng', () => {
  it('repeats a sequence from a seed and from a saved state', () => {
    const a = createPrng(42);
    const b = createPrng(42);
    const first = [a.int(1000), a.int(1000), a.int(1000)];
    expect([b.int(1000), b.int(1000), b.int(1000)]).toEqual(first);
    const saved = a.state();
    const next = [a.nextUint32(), a.nextUint32()];
    const resumed = createPrng(saved);
    expect([resumed.nextUint32(), resumed.nextUint32()]).toEqual(next);
    expect(createPrng(43).int(1_000_000)).not.toBe(createPrng(42).int(1_000_000));
  });

  it('refuses a seed outside 32 bits and a bad range', () => {
    expect(() => createPrng(-1)).toThrow(/seed must be an integer/);
    expect(() => createPrng(1).int(0)).toThrow(/positive safe integer/);
  });
});

describe('reservoir (Algorithm R)', () => {
  it('keeps the first items until full, then never more than its capacity', () => {
    const r = new Reservoir<number>(10);
    const rng = createPrng(1);
    for (let i = 0; i < 10; i++) expect(r.offer(i, rng)).toBe(i);
    for (let i = 10; i < 10_000; i++) r.offer(i, rng);
    expect(r.items).toHaveLength(10);
    expect(r.seen).toBe(10_000);
  });

  it('holds a uniform sample: kept items are spread evenly over the stream', () => {
    const n = 20_000;
    let sum = 0;
    let firstHalf = 0;
    let kept = 0;
    for (let seed = 0; seed < 20; seed++) {
      const r = new Reservoir<number>(200);
      const rng = createPrng(seed);
      for (let i = 0; i < n; i++) r.offer(i, rng);
      for (const v of r.items) {
        sum += v / n;
        if (v < n / 2) firstHalf += 1;
        kept += 1;
      }
    }
    // 4000 kept items: the mean position has a standard error of about 0.0046.
    expect(sum / kept).toBeGreaterThan(0.48);
    expect(sum / kept).toBeLessThan(0.52);
    expect(firstHalf / kept).toBeGreaterThan(0.46);
    expect(firstHalf / kept).toBeLessThan(0.54);
  });
});

describe('call sampler', () => {
  it('stays within its caps over 2,000,000 calls', () => {
    const sampler = new CallSampler({ rng: createPrng(7) });
    let maxKept = 0;
    for (let i = 0; i < 2_000_000; i++) {
      const t = T0 + Math.floor(i * 86.4); // 48 hours of traffic
      // 60 intents, so ten of them overflow the 50-intent cap; every 20th call fails.
      sampler.offer(call(`c${i}`, `intent_${i % 60}`, t, i % 20 === 0), t);
      if (i % 100_000 === 0) maxKept = Math.max(maxKept, sampler.keptCount());
    }
    const stats = sampler.stats();
    expect(stats.intents).toHaveLength(51);
    expect(stats.intents.map((s) => s.intent)).toContain(OTHER_INTENTS);
    for (const s of stats.intents) expect(s.kept).toBe(200);
    expect(stats.failuresSeen).toBe(100_000);
    expect(stats.failuresKept).toBe(2000);
    maxKept = Math.max(maxKept, sampler.keptCount());
    expect(maxKept).toBeLessThanOrEqual(sampler.capacity);
    expect(sampler.capacity).toBe(200 * 51 + 2000);
    const traffic = sampler.trafficIn({ from: T0, to: T0 + 49 * HOUR_MS });
    expect(traffic.reduce((s, x) => s + x.traffic, 0)).toBe(2_000_000);
    expect(traffic.reduce((s, x) => s + x.failures, 0)).toBe(100_000);
    expect(traffic.find((x) => x.intent === OTHER_INTENTS)?.traffic).toBe(Math.floor(2_000_000 / 60) * 10);
  });

  it('keeps every call with a failure signal until the failure cap, then a uniform share of them', () => {
    const sampler = new CallSampler({ rng: createPrng(3), perIntent: 5, failureCap: 50 });
    const base = call('x', 'billing', T0);
    const variants: CallRecord[] = [
      { ...base, id: 'f-outcome', outcome: 'failed' },
      { ...base, id: 'f-error', errors: [{ kind: 'tool', message: 'timeout' }] },
      { ...base, id: 'f-safety', safety: { pii: 0, policy: 1, injection: 0 } },
      { ...base, id: 'f-escalation', escalation: { requested: true, transferred: true, contextPreserved: false } },
      { ...base, id: 'f-fallback', route: 'fallback' },
      { ...base, id: 'ok-escalation', escalation: { requested: true, transferred: true, contextPreserved: true } },
    ];
    for (let i = 0; i < 100; i++) sampler.offer(call(`ok${i}`, 'billing', T0), T0);
    for (const v of variants) sampler.offer(v, T0);
    const failures = sampler.pool().filter((k) => k.failure).map((k) => k.call.id);
    expect(failures.sort()).toEqual(['f-error', 'f-escalation', 'f-fallback', 'f-outcome', 'f-safety']);
    for (let i = 0; i < 10_000; i++) sampler.offer(call(`f${i}`, 'billing', T0, true), T0);
    expect(sampler.stats().failuresKept).toBe(50);
    expect(sampler.pool().filter((k) => !k.uniform)).toHaveLength(sampler.keptCount() - 5);
  });

  it('marks calls held only by the failure set as not uniform, and lists a call held twice once', () => {
    const sampler = new CallSampler({ rng: createPrng(3), perIntent: 3, failureCap: 10 });
    sampler.offer(call('a', 'billing', T0, true), T0);
    const pool = sampler.pool();
    expect(pool).toHaveLength(1);
    expect(pool[0]).toMatchObject({ uniform: true, failure: true, intent: 'billing' });
  });

  it('counts traffic and failures per intent per hour, and selects calls by time range', () => {
    const sampler = new CallSampler({ rng: createPrng(5) });
    for (let h = 0; h < 3; h++) {
      for (let i = 0; i < 10; i++) {
        const t = T0 + h * HOUR_MS + i * 60_000;
        sampler.offer(call(`h${h}-${i}`, i % 2 ? 'billing' : 'orders', t, i === 0), t);
      }
    }
    const second = { from: T0 + HOUR_MS, to: T0 + 2 * HOUR_MS };
    expect(sampler.trafficIn(second)).toEqual([
      { intent: 'orders', traffic: 5, failures: 1 },
      { intent: 'billing', traffic: 5, failures: 0 },
    ]);
    expect(sampler.pool(second).map((k) => k.call.id).sort()).toEqual(
      Array.from({ length: 10 }, (_, i) => `h1-${i}`).sort(),
    );
    expect(sampler.trafficSeries({ from: T0, to: T0 + 3 * HOUR_MS }).map((h) => [h.hourStart - T0, h.traffic, h.failures])).toEqual([
      [0, 10, 1],
      [HOUR_MS, 10, 1],
      [2 * HOUR_MS, 10, 1],
    ]);
    expect(sampler.trafficSeries(second, 'billing')).toEqual([{ hourStart: T0 + HOUR_MS, traffic: 5, failures: 0 }]);
  });

  it('refuses a call without a usable end time', () => {
    const sampler = new CallSampler({ rng: createPrng(5) });
    expect(() => sampler.offer({ ...call('bad', 'orders', T0), endedAt: 'yesterday' })).toThrow('call bad: endedAt yesterday is not a timestamp');
    expect(sampler.keptCount()).toBe(0);
  });

  it('reuses the oldest hour once the ring is full and ignores calls older than it', () => {
    const sampler = new CallSampler({ rng: createPrng(5), hours: 4 });
    for (let h = 0; h < 6; h++) sampler.offer(call(`h${h}`, 'orders', T0 + h * HOUR_MS), T0 + h * HOUR_MS);
    const all = { from: 0, to: T0 + 10 * HOUR_MS };
    expect(sampler.trafficSeries(all).map((h) => (h.hourStart - T0) / HOUR_MS)).toEqual([2, 3, 4, 5]);
    expect(sampler.offer(call('late', 'orders', T0), T0).counted).toBe(false);
    expect(sampler.trafficIn(all)).toEqual([{ intent: 'orders', traffic: 4, failures: 0 }]);
  });
});
