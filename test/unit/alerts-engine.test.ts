import { describe, expect, it } from 'vitest';
import { AlertRuleSchema, type AlertRule } from '../../shared/config.js';
import type { KpiId } from '../../shared/kpi.js';
import { metricsSnapshot as snapshot, type StatsSpec } from '../support/metrics-snapshot.js';
import type { AlertTransition, RuleState } from '../../shared/alerts.js';
import { evaluateRule, evaluateRules, RESOLVED_VISIBLE_MS } from '../../electron/core/alerts/rule-engine.js';
import { defaultRules } from '../../electron/core/alerts/default-rules.js';

const MIN = 60_000;
const T0 = Date.UTC(2025, 5, 2, 9, 0, 0);

function rule(overrides: Record<string, unknown>): AlertRule {
  return AlertRuleSchema.parse({
    id: 'r',
    name: 'Test rule',
    kpi: 'turnLatencyP95',
    comparison: 'above',
    threshold: 1200,
    severity: 'critical',
    ...overrides,
  });
}

function byId(id: string): AlertRule {
  const r = defaultRules().find((x) => x.id === id);
  if (!r) throw new Error(`no default rule ${id}`);
  return r;
}

/** Drives one rule through stream time, minute by minute, keeping its state and events. */
function drive(r: AlertRule, baselines: Partial<Record<KpiId, number>> = {}) {
  let prev: RuleState | undefined;
  const events: AlertTransition[] = [];
  const at = (minute: number, spec: StatsSpec | null, opts: { stale?: boolean; intents?: Record<string, StatsSpec> } = {}) => {
    const now = T0 + minute * MIN;
    const prevStates = new Map<string, RuleState>(prev ? [[r.id, prev]] : []);
    const result = evaluateRules([r], prevStates, {
      now,
      snapshot: spec ? snapshot(now, spec, opts.intents) : null,
      stale: opts.stale ?? false,
      baselines,
    });
    const next = result.states.get(r.id);
    if (!next) throw new Error('rule not evaluated');
    prev = next;
    events.push(...result.transitions);
    return next;
  };
  return { at, events, kinds: () => events.map((e) => e.kind) };
}

const latency = (ms: number): StatsSpec => ({ kpis: { turnLatencyP95: ms } });

describe('pending period', () => {
  it('fires only once the condition has held for pendingMin of stream time', () => {
    const d = drive(byId('turn-latency-p95'));
    expect(d.at(0, latency(1430)).state).toBe('pending');
    const s14 = d.at(14, latency(1430));
    expect(s14.state).toBe('pending');
    expect(s14.reason).toBe('P95 turn latency 1.43 s > 1.20 s (pending 14 min of 15)');
    expect(s14.pendingSince).toBe(T0);
    const s15 = d.at(15, latency(1430));
    expect(s15.state).toBe('firing');
    expect(s15.firedAt).toBe(T0 + 15 * MIN);
    expect(s15.reason).toBe('P95 turn latency 1.43 s > 1.20 s for 15 min');
    expect(d.kinds()).toEqual(['pending', 'fired']);
  });

  it('starts the pending period over when the condition lets go', () => {
    const d = drive(byId('turn-latency-p95'));
    d.at(0, latency(1300));
    expect(d.at(10, latency(1000)).state).toBe('ok');
    expect(d.at(11, latency(1300)).pendingSince).toBe(T0 + 11 * MIN);
    expect(d.at(25, latency(1300)).state).toBe('pending');
    expect(d.at(26, latency(1300)).state).toBe('firing');
  });

  it('fires at once with pendingMin 0', () => {
    const d = drive(rule({ pendingMin: 0 }));
    expect(d.at(0, latency(1250)).state).toBe('firing');
    expect(d.kinds()).toEqual(['fired']);
  });

  it('handles below-comparisons, formatting ratios as percentages', () => {
    const d = drive(byId('task-completion'));
    d.at(0, { kpis: { taskCompletion: 0.82 } });
    const s = d.at(4, { kpis: { taskCompletion: 0.82 } });
    expect(s.state).toBe('pending');
    expect(s.reason).toBe('Task completion 82.0% (95% upper bound 84.7%) < 85.0% (pending 4 min of 30)');
    expect(d.at(30, { kpis: { taskCompletion: 0.82 } }).state).toBe('firing');
  });
});

describe('trip and clear thresholds', () => {
  it('does not flap while the value wobbles between clear and trip, and fires once per episode', () => {
    const d = drive(rule({ pendingMin: 0, clearThreshold: 1100, recoveryMin: 5 }));
    d.at(0, latency(1250));
    for (const [i, ms] of [1190, 1210, 1150, 1250, 1120, 1199].entries()) {
      expect(d.at(i + 1, latency(ms)).state).toBe('firing');
    }
    expect(d.kinds()).toEqual(['fired']);
    const between = d.at(7, latency(1150));
    expect(between.reason).toBe('P95 turn latency 1.15 s, not yet ≤ 1.10 s to clear, for 7 min');
    expect(between.clearThreshold).toBe(1100);

    expect(d.at(8, latency(1050)).state).toBe('recovering');
    expect(d.at(9, latency(1150)).state).toBe('firing');
    const rec = d.at(10, latency(1050));
    expect(rec.state).toBe('recovering');
    expect(d.at(14, latency(1000)).reason).toBe('P95 turn latency 1.00 s ≤ 1.10 s (recovering 4 min of 5)');
    const resolved = d.at(15, latency(1000));
    expect(resolved.state).toBe('resolved');
    expect(resolved.firedAt).toBeUndefined();
    expect(d.kinds()).toEqual(['fired', 'recovering', 'refired', 'recovering', 'resolved']);
    expect(d.events.filter((e) => e.kind === 'fired')).toHaveLength(1);
    expect(d.events.at(-1)?.episode).toBe(T0);
  });

  it('shows resolved for a while, then reads ok; a new breach opens a new episode', () => {
    const d = drive(rule({ pendingMin: 0, recoveryMin: 0 }));
    d.at(0, latency(1300));
    const resolved = d.at(1, latency(900));
    expect(resolved.state).toBe('resolved');
    expect(d.at(1 + RESOLVED_VISIBLE_MS / MIN - 1, latency(900)).state).toBe('resolved');
    expect(d.at(1 + RESOLVED_VISIBLE_MS / MIN, latency(900)).state).toBe('ok');
    const again = d.at(10, latency(1300));
    expect(again.state).toBe('firing');
    expect(again.firedAt).toBe(T0 + 10 * MIN);
    expect(d.kinds()).toEqual(['fired', 'resolved', 'ok', 'fired']);
  });
});

describe('no data', () => {
  it('reads nodata on a stale stream, whatever the last numbers said, once a pending period can pause no longer', () => {
    const d = drive(byId('turn-latency-p95'));
    d.at(0, latency(1500));
    for (let m = 1; m <= 20; m++) {
      const s = d.at(m, latency(1500), { stale: true });
      expect(s.value).toBeNull();
      if (m <= 6) {
        expect(s.state).toBe('pending');
        expect(s.reason).toBe('No data: stream stale; pending paused at 1 min of 15, starts over if this lasts over 5 min');
      } else {
        expect(s.state).toBe('nodata');
        expect(s.reason).toBe('No data: stream stale');
      }
    }
    expect(d.at(21, latency(1500)).pendingSince).toBe(T0 + 21 * MIN);
  });

  it('reads nodata before the first snapshot', () => {
    const s = evaluateRule(byId('fallback-rate'), undefined, { now: T0, snapshot: null, stale: false, baselines: {} });
    expect(s.state).toBe('nodata');
    expect(s.reason).toBe('No data: no metrics yet');
  });

  it('keeps a firing episode open through a gap and resumes it without a second "fired"', () => {
    const d = drive(rule({ pendingMin: 0, recoveryMin: 2 }));
    d.at(0, latency(1400));
    const gap = d.at(1, null, { stale: true });
    expect(gap.state).toBe('nodata');
    expect(gap.firedAt).toBe(T0);
    expect(gap.reason).toBe('No data: stream stale; the alert stays open');
    expect(d.at(2, latency(1400)).state).toBe('firing');
    d.at(3, null, { stale: true });
    expect(d.at(4, latency(900)).state).toBe('recovering');
    expect(d.kinds()).toEqual(['fired', 'nodata', 'refired', 'nodata', 'recovering']);
  });

  it('follows the rule: "keep" holds the last state, "ok" treats a gap as healthy', () => {
    const keep = drive(rule({ pendingMin: 0, noData: 'keep' }));
    keep.at(0, latency(1400));
    const kept = keep.at(1, null, { stale: true });
    expect(kept.state).toBe('firing');
    expect(kept.value).toBeNull();
    expect(kept.reason).toBe('No data: stream stale; keeping firing');

    const ok = drive(rule({ pendingMin: 5, noData: 'ok' }));
    ok.at(0, latency(1400));
    const treated = ok.at(1, latency(1400), { stale: true });
    expect(treated.state).toBe('ok');
    expect(treated.reason).toBe('No data: stream stale; treated as OK');
  });

  it('reads nodata when the KPI has no value in the window', () => {
    const s = evaluateRule(rule({ minSample: 0 }), undefined, {
      now: T0,
      snapshot: snapshot(T0, { kpis: {} }),
      stale: false,
      baselines: {},
    });
    expect(s.state).toBe('nodata');
    expect(s.reason).toBe('No data: no P95 turn latency value in the last 5 min');
  });
});

describe('minimum sample', () => {
  const errors = (calls: number, rate: number): StatsSpec => ({ calls, kpis: { agentErrorRate: rate } });

  it('will not judge on too few calls; a pending period pauses meanwhile', () => {
    const d = drive(rule({ kpi: 'agentErrorRate', threshold: 0.005, minSample: 30, pendingMin: 5 }));
    expect(d.at(0, errors(40, 0.05)).state).toBe('pending');
    expect(d.at(2, { calls: 2, kpis: { agentErrorRate: 0 } }).state).toBe('pending');
    const thin = d.at(3, errors(12, 0.08));
    expect(thin.state).toBe('pending');
    expect(thin.reason).toBe('Only 12 of 30 agent calls needed to judge; pending paused at 2 min of 5, starts over if this lasts over 5 min');
    expect(thin.sample).toBe(12);
    expect(thin.pendingSince).toBe(T0);
    expect(d.at(4, errors(40, 0.05)).pendingSince).toBe(T0);
    expect(d.at(6, errors(40, 0.05)).state).toBe('pending');
    expect(d.at(7, errors(40, 0.05)).state).toBe('firing');

    const reset = drive(rule({ kpi: 'agentErrorRate', threshold: 0.005, minSample: 30, pendingMin: 5, pendingPauseMaxMin: 1 }));
    reset.at(0, errors(40, 0.05));
    reset.at(1, errors(12, 0.08));
    expect(reset.at(3, errors(12, 0.08)).state).toBe('insufficient');
    expect(reset.at(4, errors(40, 0.05)).pendingSince).toBe(T0 + 4 * MIN);
  });

  it('counts the KPI\'s own denominator', () => {
    const s = evaluateRule(byId('turn-latency-p95'), undefined, {
      now: T0,
      snapshot: snapshot(T0, { calls: 100, agentTurns: 20, kpis: { turnLatencyP95: 2000 } }),
      stale: false,
      baselines: {},
    });
    expect(s.state).toBe('insufficient');
    expect(s.reason).toBe('Only 20 of 50 agent turns needed to judge');
  });

  it('never clears a firing alert on low traffic', () => {
    const d = drive(rule({ kpi: 'agentErrorRate', threshold: 0.005, minSample: 30, recoveryMin: 1 }));
    d.at(0, errors(40, 0.05));
    const low = d.at(1, errors(3, 0));
    expect(low.state).toBe('firing');
    expect(low.reason).toBe('Only 3 of 30 agent calls needed to judge; still firing');
    expect(d.at(2, errors(40, 0)).state).toBe('recovering');
    expect(d.at(3, errors(2, 0)).state).toBe('firing');
    expect(d.kinds()).toEqual(['fired', 'recovering', 'refired']);
  });

  it('lets count KPIs fire on any traffic: one PII event is enough, at once', () => {
    const d = drive(byId('pii-event'));
    const s = d.at(0, { calls: 3, kpis: { piiEvents: 1 } });
    expect(s.state).toBe('firing');
    expect(s.reason).toBe('PII events 1 > 0 for 0 min');
    expect(d.kinds()).toEqual(['fired']);
    expect(d.at(1, { calls: 3, kpis: { piiEvents: 0 } }).state).toBe('recovering');
  });
});

describe('scope', () => {
  it('judges an intent on its own figures', () => {
    const d = drive(rule({ kpi: 'taskCompletion', comparison: 'below', threshold: 0.85, scope: 'order_status' }));
    const s = d.at(0, { kpis: { taskCompletion: 0.95 } }, { intents: { order_status: { calls: 80, kpis: { taskCompletion: 0.6 } } } });
    expect(s.state).toBe('firing');
    expect(s.value).toBe(0.6);
    expect(s.sample).toBe(80);
  });

  it('reads an intent without calls as too few to judge', () => {
    const d = drive(rule({ scope: 'order_status' }));
    expect(d.at(0, latency(900)).reason).toBe('Only 0 of 30 agent turns needed to judge');
  });
});

describe('baseline multiples', () => {
  // Enough tool calls that the bound on the rate sits close to the rate itself.
  const failures = (rate: number): StatsSpec => ({ toolCalls: 20_000, kpis: { toolFailureRate: rate } });
  const r = rule({ kpi: 'toolFailureRate', threshold: undefined, baselineMultiple: 2, clearThreshold: 1.5, pendingMin: 0, recoveryMin: 0 });

  it('trips at the multiple of the baseline and clears at the clear multiple', () => {
    const d = drive(r, { toolFailureRate: 0.02 });
    expect(d.at(0, failures(0.039)).state).toBe('ok');
    const fired = d.at(1, failures(0.05));
    expect(fired.state).toBe('firing');
    expect(fired.threshold).toBeCloseTo(0.04);
    expect(fired.clearThreshold).toBeCloseTo(0.03);
    expect(d.at(2, failures(0.035)).state).toBe('firing');
    expect(d.at(3, failures(0.025)).state).toBe('resolved');
  });

  it('reads nodata when the baseline is missing', () => {
    const s = drive(r).at(0, failures(0.5));
    expect(s.state).toBe('nodata');
    expect(s.threshold).toBeNull();
    expect(s.reason).toBe('No data: no baseline for tool-call failure rate');
  });
});

describe('evaluateRules', () => {
  it('reports no news for a first ok, and drops states of rules no longer configured', () => {
    const a = rule({ id: 'a' });
    const b = rule({ id: 'b', pendingMin: 0 });
    const input = { now: T0, snapshot: snapshot(T0, latency(900)), stale: false, baselines: {} };
    const first = evaluateRules([a, b], new Map(), input);
    expect(first.transitions).toEqual([]);
    const second = evaluateRules([b], first.states, { ...input, snapshot: snapshot(T0, latency(1500)) });
    expect([...second.states.keys()]).toEqual(['b']);
    expect(second.transitions).toMatchObject([
      { kind: 'fired', ruleId: 'b', ruleName: 'Test rule', severity: 'critical', from: 'ok', to: 'firing', at: T0, value: 1500, threshold: 1200 },
    ]);
  });
});
