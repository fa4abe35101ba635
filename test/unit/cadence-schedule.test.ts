import { describe, expect, it } from 'vitest';
import type { ReviewRecord } from '../../shared/cadence.js';
import { buildSchedule, countdown, nextReview, reviewStatus } from '../../electron/core/cadence/schedule.js';
import { t0FromFirstCall } from '../../electron/core/cadence/launch-clock.js';

const T0 = Date.UTC(2025, 2, 4, 9, 30);
const MIN = 60_000;
const HOUR = 60 * MIN;

function record(reviewId: string, completed = false): ReviewRecord {
  return {
    reviewId,
    openedAt: new Date(T0).toISOString(),
    openedBy: 'ana',
    evidence: {
      capturedAt: new Date(T0).toISOString(), windowStart: new Date(T0).toISOString(), windowEnd: new Date(T0).toISOString(),
      metricsAt: null, metricsWindowMin: null, metricsIncomplete: false, calls: 0, kpis: [], topFailedIntents: [], alerts: [],
      alertsOmitted: 0,
    },
    checks: [],
    decision: completed ? 'continue' : null,
    ...(completed ? { completedAt: new Date(T0).toISOString(), completedBy: 'ana' } : {}),
  };
}

describe('review schedule', () => {
  const schedule = buildSchedule(T0);

  it('has 13 reviews at the checklist times, the +24 h and +48 h 4-hourly reviews merged into the day reviews', () => {
    expect(schedule.map((r) => [r.id, r.kind, (r.dueAt - T0) / HOUR])).toEqual([
      ['h1', 'first_hour', 1],
      ['h4', 'four_hourly', 4],
      ['h8', 'four_hourly', 8],
      ['h12', 'four_hourly', 12],
      ['h16', 'four_hourly', 16],
      ['h20', 'four_hourly', 20],
      ['d1', 'end_of_day_1', 24],
      ['h28', 'four_hourly', 28],
      ['h32', 'four_hourly', 32],
      ['h36', 'four_hourly', 36],
      ['h40', 'four_hourly', 40],
      ['h44', 'four_hourly', 44],
      ['d2', 'end_of_day_2', 48],
    ]);
    expect(new Date(schedule[12]!.dueAt).toISOString()).toBe('2025-03-06T09:30:00.000Z');
  });

  it('gives each review the evidence window since the previous one, the first hour since T0, an end of day its day', () => {
    expect(schedule[0]).toMatchObject({ windowStart: T0, windowEnd: T0 + HOUR });
    expect(schedule[1]).toMatchObject({ windowStart: T0 + HOUR, windowEnd: T0 + 4 * HOUR });
    for (let i = 1; i < schedule.length; i++) {
      const review = schedule[i]!;
      if (review.kind === 'four_hourly') expect(review.windowStart).toBe(schedule[i - 1]!.windowEnd);
    }
    expect(schedule.find((r) => r.id === 'd1')).toMatchObject({ windowStart: T0, windowEnd: T0 + 24 * HOUR });
    expect(schedule.find((r) => r.id === 'd2')).toMatchObject({ windowStart: T0 + 24 * HOUR, windowEnd: T0 + 48 * HOUR });
  });

  it('lists the checklist items for each kind, day reviews carrying the 4-hourly checks too', () => {
    const ids = (id: string) => schedule.find((r) => r.id === id)!.checks.map((c) => c.id);
    expect(ids('h1')).toEqual(['failed_calls', 'connection_errors', 'latency_spikes', 'escalation_failures']);
    expect(ids('h8')).toEqual(['task_completion', 'fallback_rate', 'top_failed_intents', 'support_escalations']);
    expect(ids('d1')).toEqual([...ids('h8'), 'sample_calls', 'update_known_issues', 'continue_ramp']);
    expect(ids('d2')).toEqual([...ids('h8'), 'compare_baseline', 'add_regression_tests', 'adjust_alerts_rotation']);
    expect(schedule.find((r) => r.id === 'h8')!.checks[1]!.kpis).toEqual(['fallbackRate']);
  });

  it('keeps review ids when T0 moves', () => {
    expect(buildSchedule(T0 + 7 * MIN).map((r) => r.id)).toEqual(schedule.map((r) => r.id));
  });
});

describe('review status', () => {
  const h4 = buildSchedule(T0)[1]!;

  it('goes upcoming -> due at the due time -> overdue 15 minutes later', () => {
    expect(reviewStatus(h4, undefined, h4.dueAt - 1)).toBe('upcoming');
    expect(reviewStatus(h4, undefined, h4.dueAt)).toBe('due');
    expect(reviewStatus(h4, undefined, h4.dueAt + 15 * MIN - 1)).toBe('due');
    expect(reviewStatus(h4, undefined, h4.dueAt + 15 * MIN)).toBe('overdue');
    expect(reviewStatus(h4, undefined, h4.dueAt + 30 * HOUR)).toBe('overdue');
  });

  it('is in progress once opened and done once completed, whatever the time', () => {
    expect(reviewStatus(h4, record('h4'), h4.dueAt + 2 * HOUR)).toBe('in_progress');
    expect(reviewStatus(h4, record('h4'), h4.dueAt - HOUR)).toBe('in_progress');
    expect(reviewStatus(h4, record('h4', true), h4.dueAt + 2 * HOUR)).toBe('done');
  });
});

describe('next review', () => {
  const schedule = buildSchedule(T0);

  it('is the first upcoming review while all before it are done', () => {
    const next = nextReview(schedule, [record('h1', true)], T0 + 2 * HOUR);
    expect(next).toMatchObject({ review: { id: 'h4' }, status: 'upcoming' });
  });

  it('keeps a missed review first until it is completed', () => {
    const records = [record('h1', true)];
    expect(nextReview(schedule, records, T0 + 9 * HOUR)).toMatchObject({ review: { id: 'h4' }, status: 'overdue' });
    records.push(record('h4', true));
    expect(nextReview(schedule, records, T0 + 9 * HOUR)).toMatchObject({ review: { id: 'h8' }, status: 'overdue' });
  });

  it('is null once every review is done', () => {
    expect(nextReview(schedule, schedule.map((r) => record(r.id, true)), T0 + 50 * HOUR)).toBeNull();
  });
});

describe('countdown', () => {
  const due = T0 + 4 * HOUR;
  it('says how long until, "due now" in the grace period, then how late', () => {
    expect(countdown(due - (2 * HOUR + 14 * MIN), due)).toEqual({ ms: 2 * HOUR + 14 * MIN, text: 'in 2 h 14 min' });
    expect(countdown(due - 3 * HOUR, due).text).toBe('in 3 h');
    expect(countdown(due - 30_000, due).text).toBe('in 1 min');
    expect(countdown(due, due).text).toBe('due now');
    expect(countdown(due + 14 * MIN, due).text).toBe('due now');
    expect(countdown(due + 17 * MIN + 40_000, due)).toEqual({ ms: -(17 * MIN + 40_000), text: 'overdue by 17 min' });
    expect(countdown(due + 65 * MIN, due).text).toBe('overdue by 1 h 5 min');
  });
});

describe('T0 from the first live call', () => {
  const start = T0;
  const clock = (t0: number | null, source: 'first_call' | 'operator') => ({
    t0: t0 === null ? null : new Date(t0).toISOString(), setBy: 'x', setAt: new Date(T0).toISOString(), source,
  });

  it('starts the clock when no T0 exists or an operator cleared it', () => {
    expect(t0FromFirstCall(null, start)).toBe(start);
    expect(t0FromFirstCall(clock(null, 'operator'), start)).toBe(start);
  });

  it('never overrides a T0 the operator set', () => {
    expect(t0FromFirstCall(clock(start + HOUR, 'operator'), start)).toBeNull();
  });

  it('moves a first-call T0 back for a call that started earlier but arrived later, and only back', () => {
    expect(t0FromFirstCall(clock(start, 'first_call'), start - 2 * MIN)).toBe(start - 2 * MIN);
    expect(t0FromFirstCall(clock(start, 'first_call'), start + 2 * MIN)).toBeNull();
  });
});
