import { describe, expect, it } from 'vitest';
import {
  boundBeyond,
  callsNeeded,
  leastSampleToJudge,
  normalQuantile,
  oneSidedZ,
  sampleToProve,
  wilsonBound,
  wilsonInterval,
} from '../../shared/confidence.js';

describe('normal quantile', () => {
  it('matches published z values', () => {
    expect(normalQuantile(0.95)).toBeCloseTo(1.6448536, 6);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 6);
    expect(normalQuantile(0.99)).toBeCloseTo(2.3263479, 6);
    expect(normalQuantile(0.999)).toBeCloseTo(3.0902323, 6);
    expect(normalQuantile(0.01)).toBeCloseTo(-2.3263479, 6);
    expect(normalQuantile(0.5)).toBe(0);
  });

  it('refuses a confidence that bounds nothing', () => {
    expect(oneSidedZ(0.5)).toBe(0);
    expect(() => oneSidedZ(1)).toThrow(/below 1/);
    expect(() => oneSidedZ(0.4)).toThrow(/at least 0.5/);
  });
});

describe('Wilson score interval', () => {
  // Newcombe (1998), "Two-sided confidence intervals for the single proportion", table I, method 3.
  it.each([
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
    [1, 29, 0.0061, 0.1718],
  ])('%i of %i at 95%% two-sided is [%f, %f]', (k, n, lower, upper) => {
    const i = wilsonInterval(k, n, normalQuantile(0.975));
    expect(i.lower).toBeCloseTo(lower, 4);
    expect(i.upper).toBeCloseTo(upper, 4);
  });

  it('gives one-sided 95% bounds as the ends of the two-sided 90% interval', () => {
    expect(wilsonBound(10 / 100, 100, 'lower')).toBeCloseTo(0.06072, 5);
    expect(wilsonBound(10 / 100, 100, 'upper')).toBeCloseTo(0.16036, 5);
    expect(wilsonBound(0.3, 10, 'upper', 0.5)).toBeCloseTo(0.3, 12);
  });

  it('bounds nothing without observations', () => {
    expect(wilsonInterval(0, 0, 1.645)).toEqual({ lower: 0, upper: 1 });
    expect(wilsonInterval(0, 40, 1.645).lower).toBe(0);
    expect(wilsonInterval(40, 40, 1.645).upper).toBe(1);
    expect(() => wilsonInterval(3, 2, 1.645)).toThrow(RangeError);
  });
});

describe('calls needed', () => {
  it('is the sample where the bound first passes the limit, the rate holding', () => {
    const rate = 0.012;
    const limit = 0.005;
    const total = sampleToProve(rate, limit, 'lower');
    if (total === null) throw new Error('a rate above the ceiling can be proven');
    expect(boundBeyond(wilsonBound(rate, total, 'lower'), limit, 'lower')).toBe(true);
    expect(boundBeyond(wilsonBound(rate, total - 1, 'lower'), limit, 'lower')).toBe(false);
    expect(callsNeeded(rate, 100, limit, 'lower')).toBe(total - 100);
    expect(callsNeeded(rate, total, limit, 'lower')).toBe(0);
  });

  it('works the same way for a floor', () => {
    const total = sampleToProve(0.8, 0.85, 'upper');
    if (total === null) throw new Error('a rate below the floor can be proven');
    expect(wilsonBound(0.8, total, 'upper')).toBeLessThan(0.85);
    expect(wilsonBound(0.8, total - 1, 'upper')).toBeGreaterThanOrEqual(0.85);
  });

  it('is none when the rate is not beyond the limit at all', () => {
    expect(callsNeeded(0.004, 5000, 0.005, 'lower')).toBeNull();
    expect(callsNeeded(0.9, 5000, 0.85, 'upper')).toBeNull();
  });

  it('needs ~1,000 calls to prove twice a 0.5% ceiling, and a handful for a strong burst', () => {
    expect(sampleToProve(0.01, 0.005, 'lower')).toBe(539);
    expect(sampleToProve(0.05, 0.005, 'lower')).toBe(7);
  });
});

describe('least sample to judge', () => {
  it('is where one bad call alone stops proving a breach', () => {
    const n = leastSampleToJudge(0.005, 'lower');
    expect(n).toBe(45);
    expect(wilsonBound(1 / n, n, 'lower')).toBeLessThanOrEqual(0.005);
    expect(wilsonBound(1 / (n - 1), n - 1, 'lower')).toBeGreaterThan(0.005);
  });

  it('mirrors for a floor, where the bad call is a failure', () => {
    const n = leastSampleToJudge(0.85, 'upper');
    expect(wilsonBound((n - 1) / n, n, 'upper')).toBeGreaterThanOrEqual(0.85);
    if (n > 1) expect(wilsonBound((n - 2) / (n - 1), n - 1, 'upper')).toBeLessThan(0.85);
  });
});
