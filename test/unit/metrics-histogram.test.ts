import { describe, expect, it } from 'vitest';
import {
  HISTOGRAM_BINS,
  HISTOGRAM_OVERFLOW_MS,
  HISTOGRAM_RELATIVE_ERROR,
  LatencyHistogram,
} from '../../electron/core/metrics/histogram.js';
import { createRng } from '../../sim/random.js';

/** Nearest-rank percentile: the ceil(q*n)-th smallest value. */
function exactQuantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length - 1e-9)));
  return sorted[rank - 1] as number;
}

function histogramOf(values: number[]): LatencyHistogram {
  const h = new LatencyHistogram();
  for (const v of values) h.add(v);
  return h;
}

function relativeError(estimate: number | null, exact: number): number {
  if (estimate === null) throw new Error('expected an estimate');
  return Math.abs(estimate - exact) / exact;
}

describe('LatencyHistogram', () => {
  it('matches hand-computed percentiles within the documented 2% bound', () => {
    // Sorted: 120 250 300 310 450 700 820 990 1500 4000; nearest rank: P50 = 5th, P90 = 9th, P95 = 10th.
    const values = [450, 120, 4000, 300, 820, 250, 1500, 310, 990, 700];
    const h = histogramOf(values);
    expect(relativeError(h.quantile(0.5), 450)).toBeLessThan(HISTOGRAM_RELATIVE_ERROR);
    expect(relativeError(h.quantile(0.9), 1500)).toBeLessThan(HISTOGRAM_RELATIVE_ERROR);
    expect(relativeError(h.quantile(0.95), 4000)).toBeLessThan(HISTOGRAM_RELATIVE_ERROR);
    expect(relativeError(h.quantile(0), 120)).toBeLessThan(HISTOGRAM_RELATIVE_ERROR);
    expect(h.count).toBe(10);
  });

  it('stays within 2% of exact percentiles on 50k log-normal latencies', () => {
    const random = createRng(42).next;
    const values: number[] = [];
    for (let i = 0; i < 50_000; i++) {
      const gaussian = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
      values.push(Math.round(Math.exp(6.5 + 0.6 * gaussian)));
    }
    const h = histogramOf(values);
    for (const q of [0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1]) {
      expect(relativeError(h.quantile(q), exactQuantile(values, q)), `q=${q}`).toBeLessThan(HISTOGRAM_RELATIVE_ERROR);
    }
  });

  it('merges to exactly the histogram of the combined values', () => {
    const random = createRng(7).next;
    const a = Array.from({ length: 2000 }, () => 50 + random() * 900);
    const b = Array.from({ length: 500 }, () => 2000 + random() * 8000);
    const merged = histogramOf(a);
    merged.merge(histogramOf(b));
    const whole = histogramOf([...a, ...b]);
    expect(merged.count).toBe(2500);
    expect(Array.from(merged.counts)).toEqual(Array.from(whole.counts));
    for (const q of [0.5, 0.8, 0.95]) {
      expect(merged.quantile(q)).toBe(whole.quantile(q));
      expect(relativeError(merged.quantile(q), exactQuantile([...a, ...b], q))).toBeLessThan(HISTOGRAM_RELATIVE_ERROR);
    }
  });

  it('is null when empty and again after clear', () => {
    const h = new LatencyHistogram();
    expect(h.quantile(0.95)).toBeNull();
    h.add(300);
    expect(h.quantile(0.95)).not.toBeNull();
    h.clear();
    expect(h.count).toBe(0);
    expect(h.quantile(0.5)).toBeNull();
    expect(h.counts.every((c) => c === 0)).toBe(true);
  });

  it('keeps sub-millisecond values below 1 ms and reports overflow as its floor', () => {
    const h = histogramOf([0, 0.4, 0.9]);
    const median = h.quantile(0.5);
    expect(median).toBeGreaterThanOrEqual(0);
    expect(median).toBeLessThan(1);
    const slow = histogramOf([100, 90_000, 120_000]);
    expect(slow.quantile(1)).toBe(HISTOGRAM_OVERFLOW_MS);
    expect(HISTOGRAM_OVERFLOW_MS).toBeGreaterThanOrEqual(60_000);
  });

  it('holds a fixed number of bins however many values it counts', () => {
    const h = new LatencyHistogram();
    for (let i = 0; i < 100_000; i++) h.add((i % 5000) + 1);
    expect(h.counts.length).toBe(HISTOGRAM_BINS);
    expect(h.count).toBe(100_000);
  });

  it('refuses negative or NaN latencies and quantiles outside 0..1', () => {
    const h = new LatencyHistogram();
    expect(() => h.add(-1)).toThrow(/non-negative/);
    expect(() => h.add(Number.NaN)).toThrow(/non-negative/);
    expect(() => h.quantile(1.5)).toThrow(/between 0 and 1/);
    expect(() => new LatencyHistogram(new Uint32Array(3))).toThrow(/bins/);
  });
});
