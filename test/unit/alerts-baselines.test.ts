import { describe, expect, it } from 'vitest';
import { AlertRuleSchema } from '../../shared/config.js';
import type { AlertTransition, RuleState } from '../../shared/alerts.js';
import {
  applyCapture,
  baselineSet,
  BaselineError,
  captureBaseline,
  criticalAlertsOver,
  EMPTY_BASELINE_RECORD,
  revertCapture,
  type BaselineRecord,
  type BaselineValues,
} from '../../electron/core/alerts/baselines.js';
import { BEFORE_HISTORY, loadBaselines, saveBaselines } from '../../electron/core/alerts/baseline-store.js';
import type { DocumentRead, JsonDocument } from '../../electron/core/storage/ports.js';
import { metricsSnapshot } from '../support/metrics-snapshot.js';

const T0 = Date.UTC(2026, 3, 1, 8, 0, 0);
const MIN = 60_000;
const CONFIGURED: BaselineValues = { turnLatencyP95: 950, taskCompletion: 0.89, toolFailureRate: 0.01, failedConnectionRate: 0.005 };

function take(at: number, kpis: Parameters<typeof captureBaseline>[3], figures: Parameters<typeof metricsSnapshot>[1]['kpis']) {
  return captureBaseline(metricsSnapshot(at, { kpis: figures }), 15, 30, kpis);
}

function capture(record: BaselineRecord, by: string, at: number, kpis: Parameters<typeof captureBaseline>[3], figures: Parameters<typeof metricsSnapshot>[1]['kpis']) {
  return applyCapture(record, take(at, kpis, figures), { by, at: at + 5, windowMin: 15, warning: null });
}

class MemoryDocument implements JsonDocument {
  readonly location = 'memory:baseline';
  constructor(public value: unknown = undefined) {}
  async read(): Promise<DocumentRead> {
    return this.value === undefined ? { kind: 'none' } : { kind: 'stored', value: structuredClone(this.value) };
  }
  async write(value: unknown): Promise<void> {
    this.value = structuredClone(value);
  }
  async setAside(): Promise<string> {
    throw new Error('not kept aside in memory');
  }
}

describe('a baseline capture', () => {
  it('takes only the chosen KPIs and keeps every other baseline as configured', () => {
    const { record, change } = capture(EMPTY_BASELINE_RECORD, 'Dana', T0, ['toolFailureRate', 'turnLatencyP95'], {
      toolFailureRate: 0.02,
      turnLatencyP95: 1010,
      taskCompletion: 0.7,
    });
    const set = baselineSet(CONFIGURED, record);
    expect(set.values).toEqual({ turnLatencyP95: 1010, taskCompletion: 0.89, toolFailureRate: 0.02, failedConnectionRate: 0.005 });
    expect(set.captured.toolFailureRate).toEqual({ value: 0.02, change: 1, by: 'Dana', streamTime: T0, windowMin: 15 });
    expect(set.captured.taskCompletion).toBeUndefined();
    expect(change).toMatchObject({ id: 1, kind: 'capture', by: 'Dana', previous: { toolFailureRate: null, turnLatencyP95: null } });
  });

  it('lists a chosen KPI it could not take, which keeps its baseline', () => {
    const taken = captureBaseline(metricsSnapshot(T0, { toolCalls: 10, kpis: { toolFailureRate: 0.5, fallbackRate: 0.04 } }), 15, 30, ['toolFailureRate', 'fallbackRate']);
    expect(taken.skipped).toEqual([{ kpi: 'toolFailureRate', reason: 'only 10 of 30 tool calls in the window' }]);
    const { record } = applyCapture(EMPTY_BASELINE_RECORD, taken, { by: 'Dana', at: T0, windowMin: 15, warning: null });
    expect(baselineSet(CONFIGURED, record).values.toolFailureRate).toBe(0.01);
    expect(() =>
      applyCapture(EMPTY_BASELINE_RECORD, { ...taken, values: {} }, { by: 'Dana', at: T0, windowMin: 15, warning: null }),
    ).toThrow(/None of the chosen KPIs could be captured \(Tool-call failure rate: only 10 of 30 tool calls in the window\)/);
  });
});

describe('baseline history and revert', () => {
  it('keeps who captured what, and a revert puts each KPI back where it was', () => {
    let r = capture(EMPTY_BASELINE_RECORD, 'Dana', T0, ['toolFailureRate'], { toolFailureRate: 0.02 }).record;
    r = capture(r, 'Sam', T0 + 60 * MIN, ['toolFailureRate', 'taskCompletion'], { toolFailureRate: 0.03, taskCompletion: 0.8 }).record;
    expect(r.history.map((h) => [h.id, h.kind, h.by])).toEqual([[1, 'capture', 'Dana'], [2, 'capture', 'Sam']]);

    const reverted = revertCapture(r, 2, CONFIGURED, { by: 'Dana', at: T0 + 61 * MIN });
    expect(reverted.change).toMatchObject({ id: 3, kind: 'revert', revertOf: 2, restored: { toolFailureRate: 0.02, taskCompletion: 0.89 }, kept: [] });
    const set = baselineSet(CONFIGURED, reverted.record);
    expect(set.values.toolFailureRate).toBe(0.02);
    expect(set.captured.toolFailureRate?.by).toBe('Dana');
    expect(set.values.taskCompletion).toBe(0.89);
    expect(set.captured.taskCompletion).toBeUndefined();
    expect(() => revertCapture(reverted.record, 2, CONFIGURED, { by: 'Dana', at: T0 })).toThrow(/already reverted/);
    expect(() => revertCapture(reverted.record, 3, CONFIGURED, { by: 'Dana', at: T0 })).toThrow(/is a revert/);
    expect(() => revertCapture(reverted.record, 9, CONFIGURED, { by: 'Dana', at: T0 })).toThrow(BaselineError);
  });

  it('leaves a KPI captured again since, and never brings back a capture already taken back', () => {
    let r = capture(EMPTY_BASELINE_RECORD, 'Dana', T0, ['toolFailureRate', 'fallbackRate'], { toolFailureRate: 0.02, fallbackRate: 0.05 }).record;
    r = capture(r, 'Sam', T0 + MIN, ['toolFailureRate'], { toolFailureRate: 0.09 }).record;
    const first = revertCapture(r, 1, CONFIGURED, { by: 'Dana', at: T0 + 2 * MIN });
    expect(first.change).toMatchObject({ restored: { fallbackRate: null }, kept: [{ kpi: 'toolFailureRate', reason: 'captured again since (#2)' }] });
    const second = revertCapture(first.record, 2, CONFIGURED, { by: 'Dana', at: T0 + 3 * MIN });
    // #1 was reverted: the tool-failure rate goes back to its configured value, not to #1's 2%.
    expect(second.change).toMatchObject({ restored: { toolFailureRate: 0.01 } });
    expect(baselineSet(CONFIGURED, second.record).values).toEqual(CONFIGURED);
  });
});

describe('capture during an incident', () => {
  const rules = [
    AlertRuleSchema.parse({ id: 'errors', name: 'Agent errors', kpi: 'agentErrorRate', comparison: 'above', threshold: 0.005, severity: 'critical' }),
    AlertRuleSchema.parse({ id: 'fallback', name: 'Fallback', kpi: 'fallbackRate', comparison: 'above', threshold: 0.1, severity: 'warning' }),
  ];
  const state = (ruleId: string, firedAt?: number): RuleState => ({
    ruleId, state: firedAt === undefined ? 'ok' : 'firing', since: T0, value: 0, threshold: 0, clearThreshold: 0, reason: '', sample: 0, ...(firedAt === undefined ? {} : { firedAt }),
  });
  const resolved = (ruleId: string, at: number): AlertTransition => ({
    kind: 'resolved', ruleId, ruleName: ruleId, severity: 'critical', kpi: 'agentErrorRate', from: 'recovering', to: 'resolved', at, value: 0, threshold: 0, reason: '',
  });

  it('names the critical alerts open now or resolved within the window', () => {
    const quiet = new Map([['errors', state('errors')], ['fallback', state('fallback', T0)]]);
    expect(criticalAlertsOver(rules, quiet, [], T0)).toEqual([]);
    expect(criticalAlertsOver(rules, new Map([['errors', state('errors', T0 - 90 * MIN)]]), [], T0)).toEqual(['Agent errors']);
    expect(criticalAlertsOver(rules, quiet, [resolved('errors', T0 + MIN)], T0)).toEqual(['Agent errors']);
    expect(criticalAlertsOver(rules, quiet, [resolved('errors', T0 - MIN)], T0)).toEqual([]);
  });
});

describe('the baseline document', () => {
  it('keeps the captured values and the history across a restart', async () => {
    const doc = new MemoryDocument();
    const { record } = capture(EMPTY_BASELINE_RECORD, 'Dana', T0, ['toolFailureRate'], { toolFailureRate: 0.02 });
    await saveBaselines(doc, record);
    expect(await loadBaselines(doc)).toEqual({ kind: 'stored', record });
  });

  it('reads a file of the first format as one revertible capture over the configured values', async () => {
    const doc = new MemoryDocument({ values: { toolFailureRate: 0.03, callRate: 20 }, source: 'captured at 2026-04-01T07:45:00.000Z' });
    const loaded = await loadBaselines(doc);
    if (loaded.kind !== 'stored') throw new Error(`not read: ${JSON.stringify(loaded)}`);
    const set = baselineSet(CONFIGURED, loaded.record);
    expect(set.values).toEqual({ ...CONFIGURED, toolFailureRate: 0.03, callRate: 20 });
    expect(set.captured.toolFailureRate).toEqual({ value: 0.03, change: 1, by: BEFORE_HISTORY, streamTime: Date.parse('2026-04-01T07:45:00.000Z'), windowMin: null });
    const reverted = revertCapture(loaded.record, 1, CONFIGURED, { by: 'Dana', at: T0 });
    expect(baselineSet(CONFIGURED, reverted.record).values).toEqual(CONFIGURED);
    expect(reverted.change.id).toBe(2);
  });

  it('reports a document it cannot read', async () => {
    expect(await loadBaselines(new MemoryDocument({ values: { nope: 1 }, source: 'captured at x' }))).toMatchObject({ kind: 'unreadable' });
  });
});
