import { describe, expect, it } from 'vitest';
import { ConfigError, parseLaunchConfig } from '../../shared/config.js';
import { KPI_IDS, WINDOW_MINUTES, type KpiValues, type MetricsSnapshot, type WindowStats } from '../../shared/kpi.js';
import { defaultRules, rulesFromConfig } from '../../electron/core/alerts/default-rules.js';
import { baselinesFromConfig, BaselineError, captureBaseline } from '../../electron/core/alerts/baselines.js';
import { evaluateRule } from '../../electron/core/alerts/rule-engine.js';

const T0 = Date.UTC(2025, 5, 2, 9, 0, 0);

function snapshot(overall: Omit<Partial<WindowStats>, 'kpis'> & { kpis: Partial<KpiValues> }): MetricsSnapshot {
  const kpis = Object.fromEntries(KPI_IDS.map((k) => [k, null])) as KpiValues;
  Object.assign(kpis, overall.kpis);
  const windows = Object.fromEntries(
    WINDOW_MINUTES.map((w) => [
      w,
      {
        overall: {
          windowMin: w, allCalls: 400, calls: 400, connected: 390, agentTurns: 2400, toolCalls: 20, escalations: 40,
          incomplete: false, ...overall, kpis,
        },
        intents: {},
      },
    ]),
  ) as MetricsSnapshot['windows'];
  return { now: T0, windows, series: [], totalCalls: 400 };
}

describe('default rules', () => {
  it('cover the checklist triggers with the checklist thresholds', () => {
    const rules = defaultRules();
    const byKpi = new Map(rules.map((r) => [r.kpi, r]));
    expect(new Set(rules.map((r) => r.id)).size).toBe(rules.length);
    expect(byKpi.get('turnLatencyP95')).toMatchObject({ comparison: 'above', threshold: 1200, pendingMin: 15, severity: 'critical' });
    expect(byKpi.get('taskCompletion')).toMatchObject({ comparison: 'below', threshold: 0.85, pendingMin: 30 });
    expect(byKpi.get('agentErrorRate')?.recommendedAction?.action).toBe('rollback');
    expect(byKpi.get('toolFailureRate')).toMatchObject({ baselineMultiple: 2, severity: 'warning' });
    expect(byKpi.get('failedConnectionRate')).toMatchObject({ baselineMultiple: 2, severity: 'warning' });
    expect(byKpi.get('fallbackRate')).toMatchObject({ threshold: 0.1, severity: 'warning' });
    for (const kpi of ['piiEvents', 'policyViolations', 'injectionFlags'] as const) {
      expect(byKpi.get(kpi)).toMatchObject({ threshold: 0, pendingMin: 0, windowMin: 1, minSample: 0, severity: 'critical' });
      expect(byKpi.get(kpi)?.recommendedAction?.action).toBe('stop_all');
    }
    expect(byKpi.get('escalationCorrectness')).toMatchObject({ comparison: 'below', threshold: 0.9, severity: 'critical' });
    expect(rules.every((r) => r.recommendedAction?.autoAct === false)).toBe(true);
  });

  it('are what a configuration without rules runs with', () => {
    const config = parseLaunchConfig('{}');
    expect(rulesFromConfig(config.rules, config.intents)).toEqual(defaultRules());
  });
});

describe('rulesFromConfig', () => {
  const base = { id: 'x', name: 'X', kpi: 'fallbackRate', comparison: 'above', threshold: 0.1, severity: 'warning' };

  it('accepts a valid list and fills the schema defaults', () => {
    const [r] = rulesFromConfig([base], ['order_status']);
    expect(r).toMatchObject({ scope: 'all', windowMin: 5, minSample: 30, noData: 'nodata' });
  });

  it('names the rule and the field that are wrong', () => {
    expect(() => rulesFromConfig([base, { ...base, id: 'y', kpi: 'nope' }])).toThrowError(/rules\[1\] \("y"\) is invalid: kpi/);
    expect(() => rulesFromConfig([{ ...base, threshold: undefined }])).toThrowError(/a rule needs a threshold or a baselineMultiple/);
  });

  it('rejects duplicate ids, a clear threshold on the bad side, an unknown scope, and auto-act on a warning', () => {
    expect(() => rulesFromConfig([base, base])).toThrowError(/rules\[1\] \("x"\): duplicate rule id "x"/);
    expect(() => rulesFromConfig([{ ...base, clearThreshold: 0.2 }])).toThrowError(
      'rules[0] ("x"): clearThreshold 0.2 must be at or below the trip level 0.1',
    );
    expect(() => rulesFromConfig([{ ...base, comparison: 'below', clearThreshold: 0.05 }])).toThrowError(/at or above/);
    expect(() => rulesFromConfig([{ ...base, scope: 'refunds' }], ['order_status'])).toThrowError(/scope "refunds"/);
    expect(() =>
      rulesFromConfig([{ ...base, recommendedAction: { action: 'pause_ramp', text: 'Pause', autoAct: true } }]),
    ).toThrowError(ConfigError);
  });
});

describe('baselines', () => {
  it('come from the configuration', () => {
    const config = parseLaunchConfig('{"baselines":{"toolFailureRate":0.01}}');
    expect(baselinesFromConfig(config)).toEqual({ toolFailureRate: 0.01 });
  });

  it('are captured from a window of live traffic, leaving out KPIs with too small a sample', () => {
    const snap = snapshot({ toolCalls: 20, kpis: { failedConnectionRate: 0.01, toolFailureRate: 0.05, callRate: 27 } });
    const captured = captureBaseline(snap, 15);
    expect(captured.streamTime).toBe(T0);
    expect(captured.values).toEqual({ failedConnectionRate: 0.01, callRate: 27 });
    expect(captured.skipped).toContainEqual({ kpi: 'toolFailureRate', reason: 'only 20 of 30 tool calls in the window' });

    const rule = defaultRules().find((r) => r.id === 'failed-connections-vs-baseline');
    if (!rule) throw new Error('missing default rule');
    const judged = evaluateRule(rule, undefined, {
      now: T0,
      snapshot: snapshot({ calls: 20_000, kpis: { failedConnectionRate: 0.025 } }),
      stale: false,
      baselines: captured.values,
    });
    expect(judged.state).toBe('pending');
    expect(judged.threshold).toBeCloseTo(0.02);
  });

  it('refuse a window that is empty or incomplete', () => {
    expect(() => captureBaseline(snapshot({ calls: 0, kpis: {} }), 5)).toThrowError(BaselineError);
    expect(() => captureBaseline(snapshot({ incomplete: true, kpis: { callRate: 3 } }), 60)).toThrowError(
      /last 60 min are incomplete/,
    );
  });
});
