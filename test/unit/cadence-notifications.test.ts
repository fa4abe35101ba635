import { describe, expect, it } from 'vitest';
import type { ReviewRecord } from '../../shared/cadence.js';
import { notificationId, notificationsToSend, type ReviewNotification } from '../../electron/core/cadence/notifications.js';
import { buildSchedule } from '../../electron/core/cadence/schedule.js';

const T0 = Date.UTC(2025, 2, 4, 9, 30);
const MIN = 60_000;
const HOUR = 60 * MIN;

function record(reviewId: string, completed: boolean): ReviewRecord {
  const at = new Date(T0).toISOString();
  return {
    reviewId, openedAt: at, openedBy: 'ana',
    evidence: {
      capturedAt: at, windowStart: at, windowEnd: at, metricsAt: null, metricsWindowMin: null, metricsIncomplete: false,
      calls: 0, kpis: [], topFailedIntents: [], alerts: [], alertsOmitted: 0,
    },
    checks: [], decision: completed ? 'continue' : null,
    ...(completed ? { completedAt: at, completedBy: 'ana' } : {}),
  };
}

/** Plays the host: ask at each tick, show what comes back, remember it as sent. */
function runHost(ticks: number[], records: ReviewRecord[] = [], sent = new Set<string>()) {
  const schedule = buildSchedule(T0);
  const shown: { at: number; n: ReviewNotification }[] = [];
  for (const now of ticks) {
    for (const n of notificationsToSend(schedule, records, sent, now)) {
      shown.push({ at: now, n });
      sent.add(n.id);
    }
  }
  return { shown, sent };
}

describe('review notifications', () => {
  it('over 48 unattended hours, notifies each review once when due and once when overdue, on time', () => {
    const ticks = Array.from({ length: 50 * 60 + 1 }, (_, i) => T0 + i * MIN);
    const { shown } = runHost(ticks);
    expect(shown).toHaveLength(26);
    expect(new Set(shown.map((s) => s.n.id)).size).toBe(26);
    const h4 = shown.filter((s) => s.n.reviewId === 'h4');
    expect(h4.map((s) => [s.n.kind, (s.at - T0) / MIN])).toEqual([['due', 240], ['overdue', 255]]);
    expect(h4[0]!.n.title).toBe('4-hourly review (T0+4h) is due');
    expect(h4[1]!.n.body).toMatch(/^Overdue by 15 min\./);
  });

  it('after a 9-hour sleep sends only the latest notice per review, no stale "due" backlog', () => {
    const records = [record('h1', true)];
    const before = runHost([T0 + 2 * HOUR, T0 + 3 * HOUR], records);
    expect(before.shown).toEqual([]);
    const wake = T0 + 12 * HOUR + 5 * MIN;
    const after = runHost([wake, wake + MIN], records, before.sent);
    expect(after.shown.map((s) => [s.n.reviewId, s.n.kind])).toEqual([
      ['h4', 'overdue'],
      ['h8', 'overdue'],
      ['h12', 'due'],
    ]);
    expect(after.shown.every((s) => s.at === wake)).toBe(true);
  });

  it('sends nothing for a review that is open or done, and nothing already sent', () => {
    const schedule = buildSchedule(T0);
    const now = T0 + 4 * HOUR + 20 * MIN;
    expect(notificationsToSend(schedule, [record('h1', true), record('h4', false)], new Set(), now)).toEqual([]);
    const sent = new Set([notificationId(schedule[1]!, 'overdue')]);
    expect(notificationsToSend(schedule, [record('h1', true)], sent, now)).toEqual([]);
  });

  it('gives a moved T0 fresh notification ids, so the new schedule is announced', () => {
    const { sent } = runHost([T0 + HOUR], [], new Set());
    const moved = buildSchedule(T0 + 30 * MIN);
    const n = notificationsToSend(moved, [], sent, T0 + 90 * MIN);
    expect(n.map((x) => [x.reviewId, x.kind])).toEqual([['h1', 'due']]);
    expect(sent.has(n[0]!.id)).toBe(false);
  });
});
