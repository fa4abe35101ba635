import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CadenceError, CadenceStore } from '../../electron/core/cadence/cadence-store.js';
import { fileStorage } from '../../electron/core/storage/file-storage.js';
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

const CADENCE_FILE = 'cadence.jsonl';

async function openStore(): Promise<CadenceStore> {
  const store = await CadenceStore.open(fileStorage(dir).records('cadence'), clock);
  stores.push(store);
  return store;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cadence-'));
  now = T0;
});
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

const schedule = buildSchedule(T0);
const review = (id: string) => schedule.find((r) => r.id === id)!;
const evidenceFor = (id: string) => captureEvidence(review(id), null, [], now);

async function answerAll(store: CadenceStore, id: string, by = 'ana') {
  for (const c of review(id).checks) await store.updateCheck(id, c.id, 'ok', '', by);
}

/** The host's notification tick: send what is due and persist it. */
async function tick(store: CadenceStore): Promise<string[]> {
  const toSend = notificationsToSend(schedule, store.listReviews(), store.notifiedIds(), now);
  for (const n of toSend) await store.markNotified(n.id);
  return toSend.map((n) => `${n.reviewId}:${n.kind}`);
}

describe('reviews', () => {
  it('opens a review with frozen evidence; opening again keeps the first evidence', async () => {
    const store = await openStore();
    now = T0 + 4 * HOUR + 2 * MIN;
    const first = await store.openReview('h4', 'ana', evidenceFor('h4'));
    expect(first).toMatchObject({ changed: true, actor: 'ana', summary: '4-hourly review opened' });
    expect(first.after.checks.map((c) => c.checkId)).toEqual(review('h4').checks.map((c) => c.id));
    now += 10 * MIN;
    const again = await store.openReview('h4', 'ben', evidenceFor('h4'));
    expect(again.changed).toBe(false);
    expect(again.after.evidence.capturedAt).toBe(new Date(T0 + 4 * HOUR + 2 * MIN).toISOString());
    expect(again.after.openedBy).toBe('ana');
  });

  it('records verdicts and notes with who and when, and refuses unknown reviews and checks by name', async () => {
    const store = await openStore();
    await store.openReview('h1', 'ana', evidenceFor('h1'));
    now += MIN;
    const change = await store.updateCheck('h1', 'latency_spikes', 'issue', 'P95 at 1.4 s on billing', 'ben');
    expect(change).toMatchObject({ summary: 'First-hour review: "Latency spikes" marked issue', actor: 'ben', changed: true });
    expect(change.before!.checks.find((c) => c.checkId === 'latency_spikes')!.verdict).toBeNull();
    expect(store.getReview('h1')!.checks.find((c) => c.checkId === 'latency_spikes')).toEqual({
      checkId: 'latency_spikes', verdict: 'issue', note: 'P95 at 1.4 s on billing', updatedAt: new Date(now).toISOString(), updatedBy: 'ben',
    });
    await expect(store.updateCheck('h1', 'fallback_rate', 'ok', '', 'ben')).rejects.toThrowError(/review h1 has no check "fallback_rate"; its checks are failed_calls/);
    await expect(store.updateCheck('h7', 'x', 'ok', '', 'ben')).rejects.toThrowError(/unknown review "h7"/);
    await expect(store.updateCheck('h4', 'fallback_rate', 'ok', '', 'ben')).rejects.toThrowError(/h4\) is not open yet/);
    await expect(store.updateCheck('h1', 'failed_calls', 'fine' as 'ok', '', 'ben')).rejects.toThrowError(CadenceError);
    await expect(store.updateCheck('h1', 'failed_calls', 'ok', '', '  ')).rejects.toThrowError(/invalid actor: .*must name who did it/);
  });

  it('completes only when every check has a verdict, then is read-only', async () => {
    const store = await openStore();
    await store.openReview('h1', 'ana', evidenceFor('h1'));
    await store.updateCheck('h1', 'failed_calls', 'ok', '', 'ana');
    await expect(store.completeReview('h1', 'continue', 'ana')).rejects.toThrowError(
      /cannot be completed: no verdict yet for "Connection errors", "Latency spikes", "Obvious escalation failures"/,
    );
    await answerAll(store, 'h1');
    now += 5 * MIN;
    const done = await store.completeReview('h1', 'hold', 'ana');
    expect(done.after).toMatchObject({ decision: 'hold', completedAt: new Date(now).toISOString(), completedBy: 'ana' });
    expect(done.summary).toBe('First-hour review completed: hold');

    for (const s of [store, await openStore()]) {
      await expect(s.updateCheck('h1', 'failed_calls', 'issue', 'late edit', 'ben')).rejects.toThrowError(
        /First-hour review \(h1\) was completed at 2025-03-04T09:35:00.000Z by ana and is read-only/,
      );
      await expect(s.completeReview('h1', 'rollback', 'ben')).rejects.toThrowError(/read-only/);
      expect((await s.openReview('h1', 'ben', evidenceFor('h1'))).changed).toBe(false);
      expect(s.getReview('h1')!.decision).toBe('hold');
    }
  });

  it('survives a restart in the middle of an overdue review without notifying again', async () => {
    let store = await openStore();
    now = T0 + HOUR;
    expect(await tick(store)).toEqual(['h1:due']);
    now = T0 + HOUR + 16 * MIN;
    expect(await tick(store)).toEqual(['h1:overdue']);
    expect(reviewStatus(review('h1'), store.getReview('h1'), now)).toBe('overdue');

    await store.close();
    store = await openStore();
    now += 2 * MIN;
    expect(await tick(store)).toEqual([]);
    expect(reviewStatus(review('h1'), store.getReview('h1'), now)).toBe('overdue');

    await store.openReview('h1', 'ana', evidenceFor('h1'));
    await store.updateCheck('h1', 'failed_calls', 'issue', 'two dropped calls', 'ana');
    await store.close();
    store = await openStore();
    expect(store.getReview('h1')!.checks[0]).toMatchObject({ verdict: 'issue', note: 'two dropped calls' });
    expect(reviewStatus(review('h1'), store.getReview('h1'), now)).toBe('in_progress');
    expect(await tick(store)).toEqual([]);
    now = T0 + 4 * HOUR;
    expect(await tick(store)).toEqual(['h4:due']);
  });

  it('lists records in schedule order', async () => {
    const store = await openStore();
    for (const id of ['d1', 'h4', 'h20', 'h1']) await store.openReview(id, 'ana', evidenceFor(id));
    expect(store.listReviews().map((r) => r.reviewId)).toEqual(['h1', 'h4', 'h20', 'd1']);
  });

  it('refuses malformed evidence with the field named', async () => {
    const store = await openStore();
    const bad = { ...evidenceFor('h1'), calls: -1 };
    await expect(store.openReview('h1', 'ana', bad)).rejects.toThrowError(/invalid review h1: evidence\.calls/);
    expect(store.getReview('h1')).toBeUndefined();
  });
});

describe('known issues', () => {
  it('adds issues with KI-n ids, edits keep firstSeen, and a new instance reads the latest', async () => {
    const store = await openStore();
    const added = await store.upsertKnownIssue({ title: 'Billing dates read back wrong', intent: 'billing_question' }, 'ana');
    expect(added).toMatchObject({ summary: 'Known issue added: KI-1 "Billing dates read back wrong" (open)', changed: true, before: null });
    expect(added.after).toMatchObject({ id: 'KI-1', status: 'open', firstSeen: '2025-03-04T09:30:00.000Z' });
    await store.upsertKnownIssue({ title: 'Hold music loops' }, 'ana');

    now += 3 * HOUR;
    const edit = await store.upsertKnownIssue({ id: 'KI-1', title: 'Billing dates read back wrong', intent: 'billing_question', status: 'monitoring', note: 'fix deployed' }, 'ben');
    expect(edit.before!.status).toBe('open');
    expect(edit.after).toMatchObject({ status: 'monitoring', firstSeen: '2025-03-04T09:30:00.000Z', updatedAt: '2025-03-04T12:30:00.000Z', updatedBy: 'ben' });
    expect((await store.upsertKnownIssue({ id: 'KI-1', title: 'Billing dates read back wrong', intent: 'billing_question', note: 'fix deployed' }, 'ben')).changed).toBe(false);

    const reopened = await openStore();
    expect(reopened.listKnownIssues().map((i) => [i.id, i.status])).toEqual([['KI-1', 'monitoring'], ['KI-2', 'open']]);
    expect((await reopened.upsertKnownIssue({ title: 'Third' }, 'ana')).after.id).toBe('KI-3');
    await expect(reopened.upsertKnownIssue({ id: 'KI-9', title: 'x' }, 'ana')).rejects.toThrowError(/no known issue "KI-9"/);
    await expect(reopened.upsertKnownIssue({ title: '  ' }, 'ana')).rejects.toThrowError(/invalid known issue: title: a known issue needs a title/);
  });
});

describe('shift owner', () => {
  it('keeps the handover history across restarts', async () => {
    const store = await openStore();
    expect(store.currentOwner()).toBeNull();
    await store.setShiftOwner('Ana', undefined, 'ana');
    now += 8 * HOUR;
    const handover = await store.setShiftOwner('Ben', 'Billing latency under watch (KI-1)', 'ana');
    expect(handover.summary).toBe('Shift handed from Ana to Ben');
    expect(handover.before!.name).toBe('Ana');
    const reopened = await openStore();
    expect(reopened.currentOwner()).toEqual({ name: 'Ben', since: '2025-03-04T17:30:00.000Z', handoverNote: 'Billing latency under watch (KI-1)', setBy: 'ana' });
    expect(reopened.shiftHistory().map((o) => o.name)).toEqual(['Ana', 'Ben']);
  });
});

describe('crash tolerance', () => {
  it('skips a torn last line, loads the rest, and appends cleanly after it', async () => {
    const store = await openStore();
    await store.upsertKnownIssue({ title: 'Hold music loops' }, 'ana');
    await store.markNotified('h1:due');
    await store.close();
    appendFileSync(join(dir, CADENCE_FILE), '{"type":"known_issue","issue":{"id":"KI-2","ti');

    const after = await openStore();
    expect(after.loadProblems).toHaveLength(1);
    expect(after.loadProblems[0]!.line).toBe(3);
    expect(after.listKnownIssues().map((i) => i.id)).toEqual(['KI-1']);
    expect([...after.notifiedIds()]).toEqual(['h1:due']);
    expect(await after.markNotified('h1:due')).toBe(false);
    expect(await after.markNotified('h1:overdue')).toBe(true);
    await after.close();

    const third = await openStore();
    expect(third.loadProblems).toHaveLength(1);
    expect([...third.notifiedIds()]).toEqual(['h1:due', 'h1:overdue']);
  });

  it('reports a line that is valid JSON but not a valid record, naming the field', async () => {
    writeFileSync(
      join(dir, CADENCE_FILE),
      `${JSON.stringify({ type: 'shift_owner', owner: { name: 'Ana', since: 'yesterday', setBy: 'ana' } })}\n` +
        `${JSON.stringify({ type: 'notified', id: 'h1:due', at: '2025-03-04T10:30:00.000Z' })}\n`,
    );
    const store = await openStore();
    expect(store.loadProblems).toEqual([{ line: 1, reason: expect.stringMatching(/owner\.since: must be an ISO timestamp in UTC/) }]);
    expect(store.notifiedIds().has('h1:due')).toBe(true);
  });
});
