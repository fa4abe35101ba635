import { describe, expect, it } from 'vitest';
import type { AlertTransition, AlertTransitionKind } from '../../shared/alerts.js';
import { AlertLog } from '../../electron/core/alerts/alert-log.js';

const T0 = Date.UTC(2025, 5, 2, 9, 0, 0);

function t(kind: AlertTransitionKind, at: number, ruleId = 'latency', episode: number | undefined = T0): AlertTransition {
  const to = kind === 'fired' || kind === 'refired' ? 'firing' : kind;
  const e: AlertTransition = {
    kind, ruleId, ruleName: 'P95 turn latency above 1.2 s', severity: 'critical', kpi: 'turnLatencyP95',
    from: null, to, at, value: 1400, threshold: 1200, reason: '',
  };
  if (episode !== undefined) e.episode = episode;
  return e;
}

describe('alert log', () => {
  it('keeps fired and resolved, not the wobble in between', () => {
    const log = new AlertLog();
    log.record([t('pending', T0 - 60_000, 'latency', undefined), t('fired', T0)]);
    log.record([t('recovering', T0 + 1), t('refired', T0 + 2), t('recovering', T0 + 3), t('resolved', T0 + 4)]);
    expect(log.entries().map((e) => e.kind)).toEqual(['fired', 'resolved']);
  });

  it('records who acknowledged an open alert and when, once per episode', () => {
    const log = new AlertLog();
    log.record([t('fired', T0)]);
    const ack = log.acknowledge('latency', 'dana', T0 + 30_000);
    expect(ack).toEqual({ kind: 'acknowledged', ruleId: 'latency', episode: T0, operator: 'dana', at: T0 + 30_000 });
    expect(log.acknowledge('latency', 'sam', T0 + 40_000)).toEqual(ack);
    expect(log.acknowledgement('latency')).toEqual(ack);
    expect(log.entries()).toHaveLength(2);

    log.record([t('resolved', T0 + 60_000)]);
    expect(log.acknowledgement('latency')).toBeUndefined();
    expect(() => log.acknowledge('latency', 'dana', T0 + 70_000)).toThrowError('rule "latency" has no open alert to acknowledge');
    expect(() => log.acknowledge('latency', ' ', T0)).toThrowError(/operator/);

    log.record([t('fired', T0 + 90_000, 'latency', T0 + 90_000)]);
    expect(log.acknowledge('latency', 'sam', T0 + 95_000).episode).toBe(T0 + 90_000);
  });

  it('stays within its capacity, dropping the oldest', () => {
    const log = new AlertLog({ capacity: 3 });
    for (let i = 0; i < 10; i++) log.record([t('fired', T0 + i, `r${i}`, T0 + i)]);
    expect(log.entries().map((e) => e.ruleId)).toEqual(['r7', 'r8', 'r9']);
    expect(() => new AlertLog({ capacity: 0 })).toThrowError(/capacity/);
  });

  it('gives the entries in a chart\'s time range', () => {
    const log = new AlertLog({ kinds: ['fired', 'resolved', 'pending'] });
    log.record([t('pending', T0 - 10, 'latency', undefined), t('fired', T0), t('resolved', T0 + 100)]);
    expect(log.between(T0, T0 + 50).map((e) => e.kind)).toEqual(['fired']);
    expect(log.between(T0 - 10, T0 + 100)).toHaveLength(3);
  });
});
