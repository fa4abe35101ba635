import { describe, expect, it } from 'vitest';
import type { AlertTransition, RuleState } from '../../shared/alerts.js';
import type { AlertRule } from '../../shared/config.js';
import { evaluateRules } from '../../electron/core/alerts/rule-engine.js';
import { defaultRules } from '../../electron/core/alerts/default-rules.js';
import { metricsSnapshot, type StatsSpec } from '../support/metrics-snapshot.js';

const T0 = Date.UTC(2026, 3, 1, 2, 0, 0);
const SEC = 1000;
const MIN = 60 * SEC;

function byId(id: string): AlertRule {
  const r = defaultRules().find((x) => x.id === id);
  if (!r) throw new Error(`no default rule ${id}`);
  return r;
}

/** One rule driven tick by tick through stream time, as the alerts feature drives it. */
function drive(rule: AlertRule) {
  let prev: RuleState | undefined;
  const events: AlertTransition[] = [];
  return {
    at(ms: number, spec: StatsSpec, stale = false): RuleState {
      const now = T0 + ms;
      const result = evaluateRules([rule], new Map(prev ? [[rule.id, prev]] : []), {
        now,
        snapshot: metricsSnapshot(now, spec),
        stale,
        baselines: {},
      });
      const next = result.states.get(rule.id);
      if (!next) throw new Error('rule not evaluated');
      prev = next;
      events.push(...result.transitions);
      return next;
    },
    kinds: () => events.map((e) => e.kind),
    events,
  };
}

describe('a pending period through stream blips', () => {
  it('survives a 3 s gap every 10 s and fires once the breach has held for 15 min of live data', () => {
    const d = drive(byId('turn-latency-p95'));
    const slow = { kpis: { turnLatencyP95: 1450 } };
    let firedAt: number | null = null;
    let gapReason = '';
    for (let s = 0; s <= 30 * 60 && firedAt === null; s++) {
      const stale = s % 10 >= 7;
      const state = d.at(s * SEC, slow, stale);
      if (stale && s === 307) gapReason = state.reason;
      if (state.state === 'firing') firedAt = s;
    }
    expect(gapReason).toBe('No data: stream stale; pending paused at 3 min of 15, starts over if this lasts over 5 min');
    // 7 live seconds in every 10: 15 min of held breach take about 21.4 min of stream time.
    expect(firedAt).toBe(1284);
    expect(d.kinds()).toEqual(['pending', 'fired']);
    expect(d.events[1]?.reason).toBe('P95 turn latency 1.45 s > 1.20 s for 21 min');
  });

  it('starts over after a gap longer than the rule allows', () => {
    const d = drive({ ...byId('turn-latency-p95'), pendingPauseMaxMin: 1 });
    const slow = { kpis: { turnLatencyP95: 1450 } };
    d.at(0, slow);
    d.at(5 * MIN, slow);
    expect(d.at(5 * MIN + 30 * SEC, slow, true).state).toBe('pending');
    expect(d.at(6 * MIN + 30 * SEC, slow, true).state).toBe('pending');
    expect(d.at(6 * MIN + 31 * SEC, slow, true).state).toBe('nodata');
    expect(d.at(7 * MIN, slow).pendingSince).toBe(T0 + 7 * MIN);
  });

  it('still starts over on a healthy reading', () => {
    const d = drive(byId('turn-latency-p95'));
    d.at(0, { kpis: { turnLatencyP95: 1450 } });
    d.at(5 * MIN, { kpis: { turnLatencyP95: 900 } });
    expect(d.at(6 * MIN, { kpis: { turnLatencyP95: 1450 } }).pendingSince).toBe(T0 + 6 * MIN);
  });
});

describe('a rate rule at a canary\'s volume', () => {
  const errors = (calls: number, errorCalls: number): StatsSpec => ({ calls, kpis: { agentErrorRate: errorCalls / calls } });

  it('trips the agent-error rollback rule on a burst of 5 errors in 60 calls', () => {
    const d = drive(byId('agent-error-rate'));
    const first = d.at(0, errors(60, 5));
    expect(first.state).toBe('pending');
    expect(first.bound).toBeCloseTo(0.04115, 5);
    expect(first.reason).toBe('Agent-caused error rate 8.3% (95% lower bound 4.1%) > 0.50% (pending 0 min of 10)');
    const fired = d.at(10 * MIN, errors(70, 6));
    expect(fired.state).toBe('firing');
    expect(d.kinds()).toEqual(['pending', 'fired']);
  });

  it('says how many more calls it needs when the rate is over the ceiling but not proven', () => {
    const d = drive(byId('agent-error-rate'));
    const s = d.at(0, errors(50, 1));
    expect(s.state).toBe('insufficient');
    expect(s.callsNeeded).toBe(10);
    expect(s.reason).toBe('Agent-caused error rate 2.0% (95% lower bound 0.45%) > 0.50%, not yet proven: 10 more agent calls needed at this rate');
    expect(d.at(MIN, errors(60, 1)).state).toBe('insufficient');
    expect(d.at(2 * MIN, errors(100, 2)).state).toBe('pending');
  });

  it('never judges on fewer calls than one error alone could trip it on', () => {
    const rule = byId('agent-error-rate');
    expect(rule.minSample).toBe(45);
    expect(drive(rule).at(0, errors(44, 44)).reason).toBe('Only 44 of 45 agent calls needed to judge');
  });

  it('judges the point estimate at confidence 0.5', () => {
    const d = drive({ ...byId('agent-error-rate'), confidence: 0.5 });
    const s = d.at(0, errors(50, 1));
    expect(s.state).toBe('pending');
    expect(s.bound).toBeUndefined();
    expect(s.reason).toBe('Agent-caused error rate 2.0% > 0.50% (pending 0 min of 10)');
  });
});
