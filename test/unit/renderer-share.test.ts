import { describe, expect, it } from 'vitest';
import { share } from '../../renderer/state/share.js';

const snapshot = () => ({
  stream: { phase: 'live', dataAgeMs: 120, gaps: [{ from: 1, to: 2 }] },
  metrics: {
    windows: { 1: { overall: { calls: 4, kpis: { callRate: 2, turnLatencyP95: null } } }, 5: { overall: { calls: 9, kpis: { callRate: 1.8, turnLatencyP95: 900 } } } },
    series: [{ t: 0, callRate: 2, p95: 800 }],
  },
  intents: ['billing', 'order_status'],
  generatedAt: 1000,
});

describe('share: structural sharing of consecutive snapshots', () => {
  it('returns the previous snapshot itself when the next one is deep-equal', () => {
    const prev = snapshot();
    expect(share(prev, snapshot())).toBe(prev);
  });

  it('keeps every unchanged sub-tree and replaces only the changed path', () => {
    const prev = snapshot();
    const next = snapshot();
    next.stream.dataAgeMs = 370;
    next.metrics.windows[5].overall.kpis.turnLatencyP95 = 950;
    next.generatedAt = 1250;
    const out = share(prev, next);
    expect(out).toEqual(next);
    expect(out).not.toBe(prev);
    expect(out.stream).not.toBe(prev.stream);
    expect(out.stream.gaps).toBe(prev.stream.gaps);
    expect(out.metrics.windows[1]).toBe(prev.metrics.windows[1]);
    expect(out.metrics.windows[5].overall.kpis).not.toBe(prev.metrics.windows[5].overall.kpis);
    expect(out.metrics.series).toBe(prev.metrics.series);
    expect(out.intents).toBe(prev.intents);
  });

  it('sees added, removed and reordered entries as changes', () => {
    const prev = { list: [1, 2, 3], record: { a: 1, b: 2 } as Record<string, number | undefined> };
    expect(share(prev, { list: [1, 2, 3, 4], record: prev.record }).list).toEqual([1, 2, 3, 4]);
    expect(share(prev, { list: [3, 2, 1], record: prev.record }).list).toEqual([3, 2, 1]);
    expect(share(prev, { list: prev.list, record: { a: 1 } }).record).toEqual({ a: 1 });
    // A key present with undefined is not the same as a key absent.
    const withUndefined = share({ a: 1 } as Record<string, unknown>, { a: 1, b: undefined });
    expect(Object.keys(withUndefined)).toEqual(['a', 'b']);
  });

  it('treats null, NaN and a change of kind as values', () => {
    expect(share({ v: null }, { v: null })).toEqual({ v: null });
    const prev = { v: Number.NaN };
    expect(share(prev, { v: Number.NaN })).toBe(prev);
    expect(share({ v: [1] } as { v: unknown }, { v: { 0: 1 } })).toEqual({ v: { 0: 1 } });
    expect(share({ v: { 0: 1 } } as { v: unknown }, { v: [1] }).v).toEqual([1]);
    expect(share(null, { a: 1 })).toEqual({ a: 1 });
  });
});
