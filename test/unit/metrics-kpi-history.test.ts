import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CallRecord, Turn } from '../../shared/protocol.js';
import { MetricsAggregator } from '../../electron/core/metrics/aggregator.js';
import { HISTORY_RELATIVE_ERROR } from '../../electron/core/metrics/history-tier.js';
import { KpiHistory, MAX_SERIES_POINTS, MINUTE_SLOTS, type HistoryRecord } from '../../electron/core/metrics/kpi-history.js';
import { KpiHistoryStore } from '../../electron/core/metrics/kpi-history-store.js';
import { fileStorage } from '../../electron/core/storage/file-storage.js';
import { callRecord, isoAt } from '../support/call-record.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2025, 5, 2, 9, 0, 0);
const INTENTS = ['order_status', 'book_appointment', 'billing_question', 'cancel_service', 'talk_to_human'];

let nextId = 0;
const agentTurn = (latencyMs: number, startMs = 0): Turn => ({ speaker: 'agent', text: 'ok', startMs, endMs: startMs + 500, latencyMs });

function call(endedAt: number, over: Partial<CallRecord> = {}): CallRecord {
  return callRecord({ id: `c${++nextId}`, startedAt: isoAt(endedAt - 60_000), endedAt: isoAt(endedAt), ...over });
}

function within(actual: number | null, expected: number): void {
  expect(actual).not.toBeNull();
  expect(Math.abs((actual ?? 0) - expected) / expected).toBeLessThanOrEqual(HISTORY_RELATIVE_ERROR);
}

describe('KPI history', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('gives the same counts as the live windows, and percentiles within the stated error', () => {
    const history = new KpiHistory({ intents: INTENTS });
    const live = new MetricsAggregator({ intents: INTENTS });
    for (let i = 0; i < 600; i++) {
      const c = call(T0 + i * 6_000 + 500, {
        intent: INTENTS[i % 5]!,
        outcome: i % 7 === 0 ? 'abandoned' : 'completed',
        route: i % 11 === 0 ? 'fallback' : 'agent',
        turns: [agentTurn(300 + (i % 40) * 25), agentTurn(900 + (i % 13) * 60, 2000)],
        errors: i % 50 === 0 ? [{ kind: 'model', message: 'x' }] : [],
      });
      history.ingestCall(c);
      live.ingestCall(c);
    }
    history.observe(T0 + HOUR + 1);
    const figures = history.figures(T0, T0 + HOUR);
    const window = live.snapshot(T0 + HOUR).windows[60].overall;
    expect(figures).toMatchObject({ from: T0, to: T0 + HOUR, minutes: 60, resolutionMin: 1, pointMinutes: 1, observedMinutes: 60 });
    expect(figures.stats).toMatchObject({ allCalls: window.allCalls, calls: window.calls, connected: window.connected, agentTurns: window.agentTurns });
    for (const kpi of ['taskCompletion', 'fallbackRate', 'modelErrorRate', 'agentErrorRate', 'callRate'] as const) {
      expect(figures.stats.kpis[kpi]).toBeCloseTo(window.kpis[kpi] ?? Number.NaN, 12);
    }
    within(figures.stats.kpis.turnLatencyP95, window.kpis.turnLatencyP95 ?? 0);
    within(figures.stats.kpis.turnLatencyP50, window.kpis.turnLatencyP50 ?? 0);
    expect(figures.series).toHaveLength(60);
    expect(history.figures(T0, T0 + HOUR, 'billing_question').stats.calls).toBe(window.calls > 0 ? live.snapshot(T0 + HOUR).windows[60].intents.billing_question!.calls : 0);
  });

  it('merges histograms for a span percentile instead of averaging the minutes’ percentiles', () => {
    const history = new KpiHistory();
    // 59 busy minutes at 200 ms, one quiet minute of 20 turns at 4 s: averaging per-minute P95s gives ~263 ms.
    for (let m = 0; m < 59; m++) for (let i = 0; i < 20; i++) history.ingestCall(call(T0 + m * MIN + i * 1000, { turns: [agentTurn(200)] }));
    for (let i = 0; i < 20; i++) history.ingestCall(call(T0 + 59 * MIN + i * 1000, { turns: [agentTurn(4000)] }));
    history.observe(T0 + HOUR);
    const p95 = history.figures(T0, T0 + HOUR).stats.kpis.turnLatencyP95;
    within(p95, 200);
    within(history.figures(T0 + 59 * MIN, T0 + HOUR).stats.kpis.turnLatencyP95, 4000);
  });

  it('counts only complete minutes, and marks minutes it never saw or lost to a gap', () => {
    const history = new KpiHistory();
    history.observe(T0);
    history.observe(T0 + 10 * MIN);
    history.markGap(T0 + 3 * MIN + 5_000, T0 + 4 * MIN + 5_000);
    history.ingestCall(call(T0 + 10 * MIN + 30_000));
    const f = history.figures(T0, T0 + 20 * MIN);
    expect(f).toMatchObject({ to: T0 + 10 * MIN, minutes: 10, observedMinutes: 1, gapMinutes: 2 });
    expect(f.stats.allCalls).toBe(0);
  });

  it('folds minutes older than 48 hours into quarter hours and still answers over them', () => {
    const history = new KpiHistory({ intents: ['a'] });
    for (let m = 0; m < 3 * 24 * 60; m++) {
      history.ingestCall(call(T0 + m * MIN + 10_000, { intent: 'a', outcome: m < 60 ? 'abandoned' : 'completed' }));
    }
    const first = history.figures(T0, T0 + HOUR);
    expect(first).toMatchObject({ resolutionMin: 15, minutes: 60, pointMinutes: 15 });
    expect(first.stats.calls).toBe(60);
    expect(first.stats.kpis.taskCompletion).toBe(0);
    const day2 = history.figures(T0 + DAY, T0 + 2 * DAY);
    expect(day2.stats.calls).toBe(24 * 60);
    expect(day2.stats.kpis.taskCompletion).toBe(1);
    const all = history.figures(T0, T0 + 3 * DAY);
    expect(all.stats.calls).toBe(3 * 24 * 60 - 1);
    expect(all.series.length).toBeLessThanOrEqual(MAX_SERIES_POINTS);
    expect(all.series.reduce((n, p) => n + p.allCalls, 0)).toBe(all.stats.allCalls);
  });

  it('holds 14 days of a 5-intent launch in at most 50 MB, bounded by construction', () => {
    const history = new KpiHistory({ intents: INTENTS, rollupDays: 28 });
    // Every minute of every intent touched, each with turns in many bins: the worst a slot can cost.
    for (let m = 0; m < 14 * 24 * 60; m++) {
      for (const [i, intent] of INTENTS.entries()) {
        history.ingestCall(call(T0 + m * MIN + 1_000 + i, { intent, turns: [agentTurn(100 + (m % 500) * 7), agentTurn(50 + i * 300)] }));
      }
      if (m % 60 === 0) history.takeClosed();
    }
    history.takeAll();
    const { bytes, boundBytes, scopes } = history.footprint;
    expect(scopes).toBe(5);
    expect(bytes).toBeLessThanOrEqual(50 * 1024 * 1024);
    // A further week of the same traffic takes quarter-hour slots only: the minute slots are reused.
    const before = bytes;
    for (let m = 14 * 24 * 60; m < 21 * 24 * 60; m += 15) history.ingestCall(call(T0 + m * MIN + 1_000, { intent: INTENTS[0]! }));
    expect(history.footprint.bytes - before).toBeLessThan(7 * 6 * 96 * 2400);
    expect(history.footprint.bytes).toBeLessThanOrEqual(boundBytes);
    expect(MINUTE_SLOTS).toBe(2880);
  });

  it('comes back after a restart from the minutes it appended, and compacts minutes it folded', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kpi-history-'));
    dirs.push(dir);
    const storage = fileStorage(dir);
    const history = new KpiHistory({ intents: ['a', 'b'] });
    const store = await KpiHistoryStore.open(storage.records('kpi-history'), history);
    const feed = (from: number, to: number) => {
      for (let m = from; m < to; m++) {
        history.ingestCall(call(T0 + m * MIN + 5_000, { intent: m % 2 ? 'a' : 'b', turns: [agentTurn(200 + m)] }));
        if (m % 10 === 0) {
          store.flush((e) => {
            throw e;
          });
        }
      }
    };
    // The first two hours, then two hours 48 hours later that take over their minute slots.
    feed(0, 120);
    feed(MINUTE_SLOTS, MINUTE_SLOTS + 120);
    await store.close();
    const expected = history.figures(T0, T0 + 50 * HOUR);

    const reopened = new KpiHistory({ intents: ['a', 'b'] });
    const size = readFileSync(join(dir, 'kpi-history.jsonl'), 'utf8').trim().split('\n').length;
    const store2 = await KpiHistoryStore.open(fileStorage(dir).records('kpi-history'), reopened);
    expect(store2.loadProblems).toEqual([]);
    expect(reopened.figures(T0, T0 + 50 * HOUR)).toEqual(expected);
    expect(reopened.figures(T0, T0 + 50 * HOUR, 'a')).toEqual(history.figures(T0, T0 + 50 * HOUR, 'a'));
    await store2.close();
    // The minutes folded into quarters were rewritten as quarters; only the last 48 hours stay minutes.
    const lines = readFileSync(join(dir, 'kpi-history.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as HistoryRecord);
    expect(lines.length).toBeLessThan(size);
    expect(lines.filter((r) => r.q !== undefined).length).toBeGreaterThan(0);
    expect(Math.min(...lines.flatMap((r) => (r.m === undefined ? [] : [r.m])))).toBeGreaterThanOrEqual(T0 / MIN + 120);
    const third = new KpiHistory({ intents: ['a', 'b'] });
    await (await KpiHistoryStore.open(fileStorage(dir).records('kpi-history'), third)).close();
    expect(third.figures(T0, T0 + 50 * HOUR)).toEqual(expected);
  });

  it('hands each closed minute over once, the open one only at a stop', () => {
    const history = new KpiHistory();
    history.ingestCall(call(T0 + 30_000));
    expect(history.takeClosed()).toEqual([]);
    history.ingestCall(call(T0 + MIN + 30_000));
    const closed: HistoryRecord[] = history.takeClosed();
    expect(closed.map((r) => r.m)).toEqual([T0 / MIN]);
    expect(history.takeClosed()).toEqual([]);
    // A late call for a minute already handed over is handed over again as an addition.
    history.ingestCall(call(T0 + 40_000));
    expect(history.takeClosed().map((r) => r.s?.order_status?.c[0])).toEqual([1]);
    expect(history.takeAll().map((r) => r.m)).toEqual([T0 / MIN + 1]);
  });
});
