import { describe, expect, it } from 'vitest';
import type { AlertLogEntry } from '../../shared/alerts.js';
import type { LaunchClock } from '../../shared/cadence.js';
import { alertOccurrences } from '../../electron/core/cadence/alert-occurrences.js';
import { nextLaunchClock } from '../../electron/core/cadence/launch-clock.js';

/** The cadence feature's own decisions: which T0 changes reach the audit log, and what the evidence takes from the alert history. */

const T0 = Date.UTC(2025, 2, 4, 9, 30);
const MIN = 60_000;
const HOUR = 60 * MIN;

describe('launch clock changes', () => {
  it('audits the first call that starts the clock, but not the calls that only move it back', () => {
    const first = nextLaunchClock(null, T0, 'first live call', 'first_call', T0 + MIN);
    expect(first).toMatchObject({ changed: true, audit: true, after: { t0: '2025-03-04T09:30:00.000Z', source: 'first_call' } });
    expect(first.summary).toBe('T0 set to 2025-03-04 09:30:00 UTC by the first live call (moved back if a call that started earlier ends later)');
    const moved = nextLaunchClock(first.after, T0 - 2 * MIN, 'first live call', 'first_call', T0 + 2 * MIN);
    expect(moved).toMatchObject({ changed: true, audit: false, after: { t0: '2025-03-04T09:28:00.000Z' } });
  });

  it('audits every operator change and writes nothing when the clock already says so', () => {
    const set: LaunchClock = { t0: '2025-03-04T09:30:00.000Z', setBy: 'Dana', setAt: '2025-03-04T09:40:00.000Z', source: 'operator' };
    const same = nextLaunchClock(set, T0, 'Lee', 'operator', T0 + HOUR);
    expect(same).toMatchObject({ changed: false, audit: false });
    expect(same.after).toBe(set);
    expect(nextLaunchClock(set, null, 'Lee', 'operator', T0 + HOUR)).toMatchObject({
      changed: true,
      audit: true,
      summary: 'T0 cleared by Lee; the next live call starts the launch clock',
      after: { t0: null, setBy: 'Lee' },
    });
    expect(() => nextLaunchClock(set, Number.NaN, 'Lee', 'operator', T0)).toThrow('T0 must be a valid time');
  });
});

describe('alert history as evidence', () => {
  it('keeps state changes with their rule, severity and launch-clock time, and leaves acknowledgements out', () => {
    const log: AlertLogEntry[] = [
      {
        kind: 'fired', ruleId: 'p95', ruleName: 'P95 latency high', severity: 'critical', kpi: 'turnLatencyP95',
        from: 'pending', to: 'firing', at: T0 + 10 * MIN, value: 1500, threshold: 1200, reason: 'above', episode: T0 + 10 * MIN,
      },
      { kind: 'acknowledged', ruleId: 'p95', episode: T0 + 10 * MIN, operator: 'Dana', at: T0 + 11 * MIN },
      {
        kind: 'resolved', ruleId: 'p95', ruleName: 'P95 latency high', severity: 'critical', kpi: 'turnLatencyP95',
        from: 'recovering', to: 'resolved', at: T0 + 20 * MIN, value: 900, threshold: 1200, reason: 'below', episode: T0 + 10 * MIN,
      },
    ];
    expect(alertOccurrences(log)).toEqual([
      { ruleId: 'p95', name: 'P95 latency high', severity: 'critical', state: 'fired', at: T0 + 10 * MIN },
      { ruleId: 'p95', name: 'P95 latency high', severity: 'critical', state: 'resolved', at: T0 + 20 * MIN },
    ]);
  });
});
