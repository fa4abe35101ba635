import { describe, expect, it } from 'vitest';
import { EvidenceSnapshotSchema } from '../../shared/cadence.js';
import { KPI_IDS, type KpiValues, type MetricsSnapshot, type WindowMinutes, type WindowStats } from '../../shared/kpi.js';
import { captureEvidence, closestWindow, type AlertOccurrence } from '../../electron/core/cadence/evidence.js';
import { buildSchedule } from '../../electron/core/cadence/schedule.js';

const T0 = Date.UTC(2025, 2, 4, 9, 30);
const MIN = 60_000;
const HOUR = 60 * MIN;

function stats(windowMin: WindowMinutes, calls: number, connected: number, kpis: Partial<KpiValues>): WindowStats {
  const all = Object.fromEntries(KPI_IDS.map((k) => [k, null])) as KpiValues;
  return { windowMin, allCalls: calls, calls, connected, agentTurns: 0, toolCalls: 0, escalations: 0, kpis: { ...all, ...kpis }, incomplete: false };
}

/** Each window reports different figures, so the test sees which one the evidence used. */
function snapshot(now: number): MetricsSnapshot {
  const windows = {} as MetricsSnapshot['windows'];
  for (const w of [1, 5, 15] as const) {
    windows[w] = { overall: stats(w, 1, 1, { taskCompletion: 0.1 }), intents: {} };
  }
  windows[60] = {
    overall: { ...stats(60, 400, 390, { taskCompletion: 0.8, fallbackRate: 0.05, agentErrorRate: 0.004 }), incomplete: true },
    intents: {
      book_appointment: stats(60, 200, 198, { taskCompletion: 0.9 }),
      billing_question: stats(60, 100, 95, { taskCompletion: 0.6 }),
      cancel_service: stats(60, 20, 20, { taskCompletion: 0.5 }),
      order_status: stats(60, 80, 80, { taskCompletion: 1 }),
      talk_to_human: stats(60, 10, 0, { taskCompletion: null }),
    },
  };
  return { now, windows, series: [], totalCalls: 5000 };
}

const alert = (at: number, ruleId = 'r1'): AlertOccurrence => ({ ruleId, name: 'Fallback high', severity: 'warning', state: 'firing', at });

describe('review evidence', () => {
  const h8 = buildSchedule(T0)[2]!;
  const openedAt = h8.dueAt + 3 * MIN;

  it('freezes the check KPIs with targets and status from the window nearest the review span', () => {
    const e = captureEvidence(h8, snapshot(openedAt - 2000), [], openedAt);
    expect(EvidenceSnapshotSchema.parse(e)).toEqual(e);
    expect(e).toMatchObject({
      capturedAt: new Date(openedAt).toISOString(),
      windowStart: new Date(T0 + 4 * HOUR).toISOString(),
      windowEnd: new Date(openedAt).toISOString(),
      metricsAt: new Date(openedAt - 2000).toISOString(),
      metricsWindowMin: 60,
      metricsIncomplete: true,
      calls: 400,
    });
    expect(e.kpis).toEqual([
      { kpi: 'taskCompletion', value: 0.8, target: 'at least 85%', status: 'bad' },
      { kpi: 'fallbackRate', value: 0.05, target: 'at most 10%', status: 'ok' },
      { kpi: 'agentErrorRate', value: 0.004, target: 'at most 0.5%', status: 'warn' },
      { kpi: 'containment', value: null, target: null, status: 'unknown' },
      { kpi: 'escalationCorrectness', value: null, target: 'at least 90%', status: 'unknown' },
    ]);
  });

  it('ranks intents by calls that did not complete (never connected, or connected but not completed), then by rate', () => {
    const e = captureEvidence(h8, snapshot(openedAt), [], openedAt);
    expect(e.topFailedIntents).toEqual([
      { intent: 'billing_question', failed: 43, calls: 100, rate: 0.43 },
      { intent: 'book_appointment', failed: 22, calls: 200, rate: 0.11 },
      { intent: 'talk_to_human', failed: 10, calls: 10, rate: 1 },
      { intent: 'cancel_service', failed: 10, calls: 20, rate: 0.5 },
    ]);
  });

  it('keeps the alerts since the window opened, the latest 50, and counts the rest', () => {
    const inWindow = Array.from({ length: 60 }, (_, i) => alert(h8.windowStart + i * MIN, `r${i}`));
    const e = captureEvidence(h8, snapshot(openedAt), [alert(h8.windowStart - 1, 'old'), ...inWindow.reverse(), alert(openedAt + 1, 'future')], openedAt);
    expect(e.alerts).toHaveLength(50);
    expect(e.alertsOmitted).toBe(10);
    expect(e.alerts[0]).toEqual({ ruleId: 'r10', name: 'Fallback high', severity: 'warning', state: 'firing', at: new Date(h8.windowStart + 10 * MIN).toISOString() });
    expect(e.alerts.at(-1)!.ruleId).toBe('r59');
  });

  it('still freezes a record when no metrics are available, every figure unknown', () => {
    const e = captureEvidence(h8, null, [], openedAt);
    expect(e).toMatchObject({ metricsAt: null, metricsWindowMin: null, calls: 0, topFailedIntents: [] });
    expect(e.kpis.every((k) => k.value === null && k.status === 'unknown')).toBe(true);
  });

  it('picks the rolling window closest to the span', () => {
    expect(closestWindow(2 * MIN)).toBe(1);
    expect(closestWindow(12 * MIN)).toBe(15);
    expect(closestWindow(70 * MIN)).toBe(60);
    expect(closestWindow(4 * HOUR)).toBe(60);
    expect(captureEvidence(h8, snapshot(h8.windowStart + 4 * MIN), [], h8.windowStart + 4 * MIN).metricsWindowMin).toBe(5);
  });
});
