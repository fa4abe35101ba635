import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CADENCE_FILE, CadenceError, CadenceStore } from '../../electron/core/cadence/cadence-store.js';
import { captureEvidence } from '../../electron/core/cadence/evidence.js';
import { notificationsToSend } from '../../electron/core/cadence/notifications.js';
import { buildSchedule, reviewStatus } from '../../electron/core/cadence/schedule.js';

const T0 = Date.UTC(2025, 2, 4, 9, 30);
const MIN = 60_000;
const HOUR = 60 * MIN;

let dir: string;
let now: number;
const clock = () => now;
const stores: CadenceStore[] = [];

function openStore(): CadenceStore {
  const store = new CadenceStore(dir, clock);
  stores.push(store);
  return store;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cadence-'));
  now = T0;
});
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
  rmSync(dir, { recursive: true, force: true });
});

const schedule = buildSchedule(T0);
const review = (id: string) => schedule.find((r) => r.id === id)!;
const evidenceFor = (id: string) => captureEvidence(review(id), null, [], now);

function answerAll(store: CadenceStore, id: string, by = 'ana') {
  for (const c of review(id).checks) store.updateCheck(id, c.id, 'ok', '', by);
}

/** The host's notification tick: send what is due and persist it. */
function tick(store: CadenceStore): string[] {
  const toSend = notificationsToSend(schedule, store.listReviews(), store.notifiedIds(), now);
  for (const n of toSend) store.markNotified(n.id);
  return toSend.map((n) => `${n.reviewId}:${n.kind}`);
}

describe('reviews', () => {
  it('opens a review with frozen evidence; opening again keeps the first evidence', () => {
    const store = openStore();
    now = T0 + 4 * HOUR + 2 * MIN;
    const first = store.openReview('h4', 'ana', evidenceFor('h4'));
    expect(first).toMatchObject({ changed: true, actor: 'ana', summary: '4-hourly review opened' });
    expect(first.after.checks.map((c) => c.checkId)).toEqual(review('h4').checks.map((c) => c.id));
    now += 10 * MIN;
    const again = store.openReview('h4', 'ben', evidenceFor('h4'));
    expect(again.changed).toBe(false);
    expect(again.after.evidence.capturedAt).toBe(new Date(T0 + 4 * HOUR + 2 * MIN).toISOString());
    expect(again.after.openedBy).toBe('ana');
  });

  it('records verdicts and notes with who and when, and refuses unknown reviews and checks by name', () => {
    const store = openStore();
    store.openReview('h1', 'ana', evidenceFor('h1'));
    now += MIN;
    const change = store.updateCheck('h1', 'latency_spikes', 'issue', 'P95 at 1.4 s on billing', 'ben');
    expect(change).toMatchObject({ summary: 'First-hour review: "Latency spikes" marked issue', actor: 'ben', changed: true });
    expect(change.before!.checks.find((c) => c.checkId === 'latency_spikes')!.verdict).toBeNull();
    expect(store.getReview('h1')!.checks.find((c) => c.checkId === 'latency_spikes')).toEqual({
      checkId: 'latency_spikes', verdict: 'issue', note: 'P95 at 1.4 s on billing', updatedAt: new Date(now).toISOString(), updatedBy: 'ben',
    });
    expect(() => store.updateCheck('h1', 'fallback_rate', 'ok', '', 'ben')).toThrowError(/review h1 has no check "fallback_rate"; its checks are failed_calls/);
    expect(() => store.updateCheck('h7', 'x', 'ok', '', 'ben')).toThrowError(/unknown review "h7"/);
    expect(() => store.updateCheck('h4', 'fallback_rate', 'ok', '', 'ben')).toThrowError(/h4\) is not open yet/);
    expect(() => store.updateCheck('h1', 'failed_calls', 'fine' as 'ok', '', 'ben')).toThrowError(CadenceError);
    expect(() => store.updateCheck('h1', 'failed_calls', 'ok', '', '  ')).toThrowError(/invalid actor: .*must name who did it/);
  });

  it('completes only when every check has a verdict, then is read-only', () => {
    const store = openStore();
    store.openReview('h1', 'ana', evidenceFor('h1'));
    store.updateCheck('h1', 'failed_calls', 'ok', '', 'ana');
    expect(() => store.completeReview('h1', 'continue', 'ana')).toThrowError(
      /cannot be completed: no verdict yet for "Connection errors", "Latency spikes", "Obvious escalation failures"/,
    );
    answerAll(store, 'h1');
    now += 5 * MIN;
    const done = store.completeReview('h1', 'hold', 'ana');
    expect(done.after).toMatchObject({ decision: 'hold', completedAt: new Date(now).toISOString(), completedBy: 'ana' });
    expect(done.summary).toBe('First-hour review completed: hold');

    for (const s of [store, openStore()]) {
      expect(() => s.updateCheck('h1', 'failed_calls', 'issue', 'late edit', 'ben')).toThrowError(
        /First-hour review \(h1\) was completed at 2025-03-04T09:35:00.000Z by ana and is read-only/,
      );
      expect(() => s.completeReview('h1', 'rollback', 'ben')).toThrowError(/read-only/);
      expect(s.openReview('h1', 'ben', evidenceFor('h1')).changed).toBe(false);
      expect(s.getReview('h1')!.decision).toBe('hold');
    }
  });

  it('survives a restart in the middle of an overdue review without notifying again', () => {
    let store = openStore();
    now = T0 + HOUR;
    expect(tick(store)).toEqual(['h1:due']);
    now = T0 + HOUR + 16 * MIN;
    expect(tick(store)).toEqual(['h1:overdue']);
    expect(reviewStatus(review('h1'), store.getReview('h1'), now)).toBe('overdue');

    store.close();
    store = openStore();
    now += 2 * MIN;
    expect(tick(store)).toEqual([]);
    expect(reviewStatus(review('h1'), store.getReview('h1'), now)).toBe('overdue');

    store.openReview('h1', 'ana', evidenceFor('h1'));
    store.updateCheck('h1', 'failed_calls', 'issue', 'two dropped calls', 'ana');
    store.close();
    store = openStore();
    expect(store.getReview('h1')!.checks[0]).toMatchObject({ verdict: 'issue', note: 'two dropped calls' });
    expect(reviewStatus(review('h1'), store.getReview('h1'), now)).toBe('in_progress');
    expect(tick(store)).toEqual([]);
    now = T0 + 4 * HOUR;
    expect(tick(store)).toEqual(['h4:due']);
  });

  it('lists records in schedule order', () => {
    const store = openStore();
    for (const id of ['d1', 'h4', 'h20', 'h1']) store.openReview(id, 'ana', evidenceFor(id));
    expect(store.listReviews().map((r) => r.reviewId)).toEqual(['h1', 'h4', 'h20', 'd1']);
  });

  it('refuses malformed evidence with the field named', () => {
    const store = openStore();
    const bad = { ...evidenceFor('h1'), calls: -1 };
    expect(() => store.openReview('h1', 'ana', bad)).toThrowError(/invalid review h1: evidence\.calls/);
    expect(store.getReview('h1')).toBeUndefined();
  });
});

describe('known issues', () => {
  it('adds issues with KI-n ids, edits keep firstSeen, and a new instance reads the latest', () => {
    const store = openStore();
    const added = store.upsertKnownIssue({ title: 'Billing dates read back wrong', intent: 'billing_question' }, 'ana');
    expect(added).toMatchObject({ summary: 'Known issue added: KI-1 "Billing dates read back wrong" (open)', changed: true, before: null });
    expect(added.after).toMatchObject({ id: 'KI-1', status: 'open', firstSeen: '2025-03-04T09:30:00.000Z' });
    store.upsertKnownIssue({ title: 'Hold music loops' }, 'ana');

    now += 3 * HOUR;
    const edit = store.upsertKnownIssue({ id: 'KI-1', title: 'Billing dates read back wrong', intent: 'billing_question', status: 'monitoring', note: 'fix deployed' }, 'ben');
    expect(edit.before!.status).toBe('open');
    expect(edit.after).toMatchObject({ status: 'monitoring', firstSeen: '2025-03-04T09:30:00.000Z', updatedAt: '2025-03-04T12:30:00.000Z', updatedBy: 'ben' });
    expect(store.upsertKnownIssue({ id: 'KI-1', title: 'Billing dates read back wrong', intent: 'billing_question', note: 'fix deployed' }, 'ben').changed).toBe(false);

    const reopened = openStore();
    expect(reopened.listKnownIssues().map((i) => [i.id, i.status])).toEqual([['KI-1', 'monitoring'], ['KI-2', 'open']]);
    expect(reopened.upsertKnownIssue({ title: 'Third' }, 'ana').after.id).toBe('KI-3');
    expect(() => reopened.upsertKnownIssue({ id: 'KI-9', title: 'x' }, 'ana')).toThrowError(/no known issue "KI-9"/);
    expect(() => reopened.upsertKnownIssue({ title: '  ' }, 'ana')).toThrowError(/invalid known issue: title: a known issue needs a title/);
  });
});

describe('shift owner', () => {
  it('keeps the handover history across restarts', () => {
    const store = openStore();
    expect(store.currentOwner()).toBeNull();
    store.setShiftOwner('Ana', undefined, 'ana');
    now += 8 * HOUR;
    const handover = store.setShiftOwner('Ben', 'Billing latency under watch (KI-1)', 'ana');
    expect(handover.summary).toBe('Shift handed from Ana to Ben');
    expect(handover.before!.name).toBe('Ana');
    const reopened = openStore();
    expect(reopened.currentOwner()).toEqual({ name: 'Ben', since: '2025-03-04T17:30:00.000Z', handoverNote: 'Billing latency under watch (KI-1)', setBy: 'ana' });
    expect(reopened.shiftHistory().map((o) => o.name)).toEqual(['Ana', 'Ben']);
  });
});

describe('crash tolerance', () => {
  it('skips a torn last line, loads the rest, and appends cleanly after it', () => {
    const store = openStore();
    store.upsertKnownIssue({ title: 'Hold music loops' }, 'ana');
    store.markNotified('h1:due');
    store.close();
    appendFileSync(join(dir, CADENCE_FILE), '{"type":"known_issue","issue":{"id":"KI-2","ti');

    const after = openStore();
    expect(after.loadProblems).toHaveLength(1);
    expect(after.loadProblems[0]!.line).toBe(3);
    expect(after.listKnownIssues().map((i) => i.id)).toEqual(['KI-1']);
    expect([...after.notifiedIds()]).toEqual(['h1:due']);
    expect(after.markNotified('h1:due')).toBe(false);
    expect(after.markNotified('h1:overdue')).toBe(true);
    after.close();

    const third = openStore();
    expect(third.loadProblems).toHaveLength(1);
    expect([...third.notifiedIds()]).toEqual(['h1:due', 'h1:overdue']);
  });

  it('reports a line that is valid JSON but not a valid record, naming the field', () => {
    writeFileSync(
      join(dir, CADENCE_FILE),
      `${JSON.stringify({ type: 'shift_owner', owner: { name: 'Ana', since: 'yesterday', setBy: 'ana' } })}\n` +
        `${JSON.stringify({ type: 'notified', id: 'h1:due', at: '2025-03-04T10:30:00.000Z' })}\n`,
    );
    const store = openStore();
    expect(store.loadProblems).toEqual([{ line: 1, reason: expect.stringMatching(/owner\.since: must be an ISO timestamp in UTC/) }]);
    expect(store.notifiedIds().has('h1:due')).toBe(true);
  });
});
