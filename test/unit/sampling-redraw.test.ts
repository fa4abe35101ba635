import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CallRecord } from '../../shared/protocol.js';
import { HOUR_MS } from '../../shared/sampling.js';
import { KeptCallsStore } from '../../electron/core/sampling/kept-calls-store.js';
import { SessionStore } from '../../electron/core/sampling/session-store.js';
import { redrawSession, startSamplingSession } from '../../electron/core/sampling/start-session.js';
import { FileRecordLog } from '../../electron/core/storage/file-storage.js';
import { callRecord, isoAt } from '../support/call-record.js';

const T0 = Date.UTC(2026, 5, 1, 8);
const INTENTS = ['book_appointment', 'order_status', 'billing_question', 'cancel_service'];

function call(i: number): CallRecord {
  const at = isoAt(T0 + i * 2_000);
  return callRecord({ id: `c${String(i).padStart(6, '0')}`, startedAt: at, endedAt: at, intent: INTENTS[i % 4] as string, outcome: i % 9 === 0 ? 'failed' : 'completed' });
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'redraw-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('a sample drawn again with its seed', () => {
  it('gives the same calls from the pool it was drawn from, after new traffic has changed the calls held', async () => {
    const kept = await KeptCallsStore.open({ log: new FileRecordLog(join(dir, 'kept.jsonl')), seed: 5, perIntent: 50, clock: () => T0 });
    const sessions = await SessionStore.open({ log: new FileRecordLog(join(dir, 'sessions.jsonl')) });
    for (let i = 0; i < 1800; i++) kept.offer(call(i));
    const range = { from: T0, to: T0 + HOUR_MS };
    const first = await startSamplingSession(kept.sampler, sessions, { name: 'Hour 1', range, size: 24, seed: 4242 }, 'Dana');

    // Two more hours of calls replace most of the held calls of the first hour.
    for (let i = 1800; i < 5400; i++) kept.offer(call(i));
    const sameSeedNow = await startSamplingSession(kept.sampler, sessions, { name: 'Hour 1 again', range, size: 24, seed: 4242 }, 'Sam');
    expect(sameSeedNow.session.poolId).not.toBe(first.session.poolId);
    const overlap = sameSeedNow.session.callIds.filter((id) => first.session.callIds.includes(id)).length;
    expect(overlap).toBeLessThan(24);

    const redrawn = await redrawSession(sessions, first.session.id, 'Hour 1, second reviewer', 'Sam');
    expect(redrawn.session.callIds).toEqual(first.session.callIds);
    expect(redrawn.session.poolId).toBe(first.session.poolId);
    expect(redrawn.session).toMatchObject({ seed: 4242, size: 24, range, createdBy: 'Sam' });
    expect(redrawn.calls).toEqual(first.calls);
    await sessions.close();
    await kept.close();

    const reopened = await SessionStore.open({ log: new FileRecordLog(join(dir, 'sessions.jsonl')) });
    const again = await redrawSession(reopened, first.session.id, 'After a restart', 'Ana');
    expect(again.session.callIds).toEqual(first.session.callIds);
    await reopened.close();
  });

  it('is refused for a session drawn before pools were recorded, saying so', async () => {
    const sessions = await SessionStore.open({ log: new FileRecordLog(join(dir, 'sessions.jsonl')) });
    const { session } = await sessions.createSession(
      { name: 'Old', createdBy: 'Dana', seed: 1, size: 20, range: { from: T0, to: T0 + HOUR_MS }, overweightFailures: false, callIds: ['c000001'], allocation: [] },
      [call(1)],
    );
    await expect(redrawSession(sessions, session.id, 'Again', 'Dana')).rejects.toThrow(/drawn before pools were recorded/);
    await sessions.close();
  });
});
