import { describe, expect, it } from 'vitest';
import { EvidenceSnapshotSchema } from '../../shared/cadence.js';
import { KPI_IDS, type KpiValues } from '../../shared/kpi.js';
import type { CallRecord } from '../../shared/protocol.js';
import { compareWithBaselines, sameTolerance } from '../../electron/core/cadence/baseline-comparison.js';
import { captureEvidence, EVIDENCE_POINTS } from '../../electron/core/cadence/evidence.js';
import { buildSchedule } from '../../electron/core/cadence/schedule.js';
import { MetricsAggregator } from '../../electron/core/metrics/aggregator.js';
import { KpiHistory } from '../../electron/core/metrics/kpi-history.js';
import { callRecord, isoAt } from '../support/call-record.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = Date.UTC(2025, 2, 4, 9, 30);
const INTENTS = ['order_status', 'billing_question', 'book_appointment'];

let nextId = 0;

/**
 * A launch on an injected clock: a call every 10 s per intent, healthy except for `fault`, which
 * returns the fields a failing call of that minute has.
 */
function runLaunch(untilMs: number, fault: (at: number, intent: string) => Partial<CallRecord> | null) {
  const history = new KpiHistory({ intents: INTENTS });
  const live = new MetricsAggregator({ intents: INTENTS });
  for (let at = T0 + 10_000; at <= untilMs; at += 10_000) {
    for (const intent of INTENTS) {
      const c = callRecord({
        id: `c${++nextId}`,
        intent,
        startedAt: isoAt(at - 90_000),
        endedAt: isoAt(at),
        turns: [{ speaker: 'agent', text: 'ok', startMs: 0, endMs: 500, latencyMs: 600 }],
        ...(fault(at, intent) ?? {}),
      });
      history.ingestCall(c);
      live.ingestCall(c);
    }
    history.observe(at);
  }
  return { history, live };
}

describe('review evidence over the review’s own span', () => {
  const schedule = buildSchedule(T0);
  const h8 = schedule.find((r) => r.id === 'h8')!;
  const openedAt = h8.dueAt + 2 * MIN;
  // Hour 2 of the h8 span (T0+5h to T0+6h): billing calls fail with agent errors.
  const spike = (at: number, intent: string) =>
    intent === 'billing_question' && at >= T0 + 5 * HOUR && at < T0 + 6 * HOUR
      ? { outcome: 'abandoned' as const, errors: [{ kind: 'model' as const, message: 'upstream 500' }] }
      : null;

  it('shows a spike in hour 2 of a 4-hourly review, which the last hour alone hides', () => {
    const { history, live } = runLaunch(openedAt, spike);
    const metrics = live.snapshot(openedAt);

    const lastHourOnly = captureEvidence(h8, metrics, [], openedAt);
    expect(lastHourOnly.kpis.find((k) => k.kpi === 'agentErrorRate')).toMatchObject({ value: 0, status: 'ok' });

    const e = captureEvidence(h8, metrics, [], openedAt, { history });
    expect(EvidenceSnapshotSchema.parse(e)).toEqual(e);
    expect(e.span).toMatchObject({
      from: new Date(h8.windowStart).toISOString(),
      minutes: 4 * 60 + 2,
      resolutionMin: 1,
      pointMinutes: 1,
      observedMinutes: 4 * 60 + 2,
      gapMinutes: 0,
    });
    expect(e.metricsWindowMin).toBeNull();
    expect(e.metricsIncomplete).toBe(false);
    // 360 billing calls failed out of 4,356 calls in the span.
    expect(e.calls).toBe(3 * 6 * (4 * 60 + 2));
    const agentErrors = e.kpis.find((k) => k.kpi === 'agentErrorRate')!;
    expect(agentErrors.value).toBeCloseTo(360 / e.calls, 12);
    expect(agentErrors.status).toBe('bad');
    expect(e.topFailedIntents[0]).toMatchObject({ intent: 'billing_question', failed: 360 });

    // The chart shows when: every minute of hour 2 at a third of calls failing, the rest clean.
    const series = e.series!;
    expect(series).toHaveLength(4 * 60 + 2);
    const inSpike = series.filter((p) => p.t >= T0 + 5 * HOUR && p.t < T0 + 6 * HOUR);
    expect(inSpike).toHaveLength(60);
    for (const p of inSpike) expect(p.values.agentErrorRate).toBeCloseTo(1 / 3, 12);
    expect(series.filter((p) => p.t < T0 + 5 * HOUR || p.t >= T0 + 6 * HOUR).every((p) => p.values.agentErrorRate === 0)).toBe(true);
    expect(Object.keys(series[0]!.values).sort()).toEqual(['callRate', ...new Set(h8.checks.flatMap((c) => c.kpis))].sort());
  });

  it('freezes an end-of-day review over its whole day, in at most 300 chart points', () => {
    const d1 = schedule.find((r) => r.id === 'd1')!;
    const { history, live } = runLaunch(d1.dueAt + MIN, spike);
    const e = captureEvidence(d1, live.snapshot(d1.dueAt + MIN), [], d1.dueAt + MIN, { history });
    expect(e.span).toMatchObject({ from: new Date(T0).toISOString(), minutes: 24 * 60 + 1, pointMinutes: 5 });
    expect(e.series!.length).toBeLessThanOrEqual(EVIDENCE_POINTS);
    expect(e.topFailedIntents[0]).toMatchObject({ intent: 'billing_question', failed: 360 });
    expect(e.baseline).toBeUndefined();
  });

  it('compares each KPI with its baseline at end of day 2: better, same or worse, with the difference', () => {
    const d2 = schedule.find((r) => r.id === 'd2')!;
    const at = d2.dueAt + MIN;
    // Day 2: 1 call in 60 fails its task; latency steady at 600 ms.
    const { history, live } = runLaunch(at, (t, intent) =>
      t >= T0 + 24 * HOUR && intent === 'order_status' && Math.floor(t / 10_000) % 20 === 0 ? { outcome: 'abandoned' } : null,
    );
    const baselines = {
      values: { taskCompletion: 0.95, turnLatencyP95: 900, agentErrorRate: 0, fallbackRate: 0.001, callRate: 5, piiEvents: 0 },
      captured: { turnLatencyP95: { value: 900 } },
    };
    const e = captureEvidence(d2, live.snapshot(at), [], at, { history, baselines });
    expect(EvidenceSnapshotSchema.parse(e)).toEqual(e);
    expect(e.span!.from).toBe(new Date(T0 + 24 * HOUR).toISOString());
    const row = (kpi: string) => e.baseline!.find((r) => r.kpi === kpi);
    const completion = row('taskCompletion')!;
    expect(completion).toMatchObject({ baseline: 0.95, origin: 'configured', verdict: 'better', tolerance: 0.015 });
    expect(completion.difference).toBeCloseTo(completion.value! - 0.95, 12);
    expect(completion.value).toBeGreaterThan(0.98);
    expect(row('turnLatencyP95')).toMatchObject({ origin: 'captured', verdict: 'better', tolerance: 75 });
    expect(row('agentErrorRate')).toMatchObject({ value: 0, difference: 0, verdict: 'same' });
    expect(row('fallbackRate')).toMatchObject({ value: 0, verdict: 'same' });
    // Call rate and counts scale with the span and traffic; a baseline over another span says nothing of them.
    expect(row('callRate')).toBeUndefined();
    expect(row('piiEvents')).toBeUndefined();
    // Only end of day 2 compares.
    expect(captureEvidence(schedule.find((r) => r.id === 'h44')!, live.snapshot(at), [], at, { history, baselines }).baseline).toBeUndefined();
  });

  it('reads a difference within the tolerance as the same, beyond it by direction', () => {
    const values = Object.fromEntries(KPI_IDS.map((k) => [k, null])) as KpiValues;
    const rows = compareWithBaselines(
      { ...values, taskCompletion: 0.86, agentErrorRate: 0.0041, turnLatencyP95: 1075, containment: 0.7 },
      { values: { taskCompletion: 0.88, agentErrorRate: 0.003, turnLatencyP95: 1000, containment: 0.7, interruptionRate: 0.05 }, captured: {} },
    );
    expect(rows.map((r) => [r.kpi, r.verdict])).toEqual([
      ['turnLatencyP95', 'same'],
      ['interruptionRate', 'unknown'],
      ['taskCompletion', 'worse'],
      ['containment', 'same'],
      ['agentErrorRate', 'worse'],
    ]);
    expect(sameTolerance('agentErrorRate')).toBe(0.001);
    expect(sameTolerance('containment')).toBe(0.01);
    expect(sameTolerance('turnLatencyP50')).toBe(50);
  });
});
