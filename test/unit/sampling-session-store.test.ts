import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CallRecord } from '../../shared/protocol.js';
import { HOUR_MS } from '../../shared/sampling.js';
import { createPrng } from '../../electron/core/sampling/prng.js';
import { CallSampler } from '../../electron/core/sampling/reservoir.js';
import { SessionStore, SessionStoreError, type NewSession } from '../../electron/core/sampling/session-store.js';
import { startSamplingSession } from '../../electron/core/sampling/start-session.js';
import { FileRecordLog } from '../../electron/core/storage/file-storage.js';
import { callRecord } from '../support/call-record.js';

const T0 = Date.UTC(2025, 4, 1, 8, 0, 0);

function call(id: string, intent = 'orders', failed = false): CallRecord {
  const at = new Date(T0).toISOString();
  return callRecord({
    id, startedAt: at, endedAt: at, intent,
    outcome: failed ? 'failed' : 'completed', turns: [{ speaker: 'caller', text: 'hi', startMs: 0, endMs: 500 }],
  });
}

const CALLS = ['a', 'b', 'c'].map((id) => call(id));
const NEW: NewSession = {
  name: 'Hour 4 review', createdBy: 'dana', seed: 7, size: 24,
  range: { from: T0, to: T0 + HOUR_MS }, overweightFailures: false, callIds: ['a', 'b', 'c'],
  allocation: [{ intent: 'orders', traffic: 40, share: 1, ideal: 24, sampled: 3, failuresSampled: 0 }],
};

let dir: string;
let path: string;
let now: number;
let ids: number;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sessions-'));
  path = join(dir, 'sampling-sessions.jsonl');
  now = T0 + 2 * HOUR_MS;
  ids = 0;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const open = () => SessionStore.open({ log: new FileRecordLog(path), clock: () => now, newId: () => `s${++ids}` });

describe('session store', () => {
  it('keeps sessions with their call records and annotations across a restart', async () => {
    const store = await open();
    const { session } = await store.createSession(NEW, [...CALLS, call('unrelated')]);
    expect(session).toMatchObject({ id: 's1', createdAt: '2025-05-01T10:00:00.000Z' });
    await store.annotate({ sessionId: 's1', callId: 'a', updatedBy: 'dana', verdict: 'fail', categories: ['latency'] });
    now += 1000;
    await store.annotate({ sessionId: 's1', callId: 'a', updatedBy: 'lee', note: 'long pause after lookup' });
    await store.annotate({ sessionId: 's1', callId: 'b', updatedBy: 'dana', verdict: 'pass' });
    await store.close();

    const reopened = await open();
    expect(reopened.problems).toEqual([]);
    expect(reopened.get('s1')?.calls.map((c) => c.id)).toEqual(['a', 'b', 'c']);
    expect(reopened.annotations('s1')).toEqual([
      { sessionId: 's1', callId: 'a', verdict: 'fail', categories: ['latency'], note: 'long pause after lookup', updatedAt: '2025-05-01T10:00:01.000Z', updatedBy: 'lee' },
      { sessionId: 's1', callId: 'b', verdict: 'pass', categories: [], note: '', updatedAt: '2025-05-01T10:00:01.000Z', updatedBy: 'dana' },
    ]);
    expect(reopened.progress('s1')).toEqual({ annotated: 2, total: 3 });
  });

  it('writes each change to disk once it resolves, last write wins on load', async () => {
    const store = await open();
    await store.createSession(NEW, CALLS);
    await store.annotate({ sessionId: 's1', callId: 'c', updatedBy: 'dana', verdict: 'fail' });
    await store.annotate({ sessionId: 's1', callId: 'c', updatedBy: 'dana', verdict: null });
    expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(3);
    const crashed = await open();
    expect(crashed.annotations('s1')[0]?.verdict).toBeNull();
    expect(crashed.progress('s1')).toEqual({ annotated: 0, total: 3 });
  });

  it('tolerates a torn last line and keeps what came before', async () => {
    const store = await open();
    await store.createSession(NEW, CALLS);
    await store.annotate({ sessionId: 's1', callId: 'a', updatedBy: 'dana', verdict: 'pass' });
    await store.close();
    appendFileSync(path, '{"t":"annotation","annotation":{"sessionId":"s1","callId":"b","verd');
    const reopened = await open();
    expect(reopened.problems).toHaveLength(1);
    expect(reopened.progress('s1')).toEqual({ annotated: 1, total: 3 });
    await reopened.annotate({ sessionId: 's1', callId: 'b', updatedBy: 'dana', verdict: 'pass' });
    await reopened.close();
    expect((await open()).progress('s1')).toEqual({ annotated: 2, total: 3 });
  });

  it('refuses bad annotations with the reason', async () => {
    const store = await open();
    await store.createSession(NEW, CALLS);
    await expect(store.annotate({ sessionId: 's9', callId: 'a', updatedBy: 'x', verdict: 'pass' })).rejects.toThrow('unknown sampling session s9');
    await expect(store.annotate({ sessionId: 's1', callId: 'zz', updatedBy: 'x', verdict: 'pass' })).rejects.toThrow('call zz is not in sampling session s1');
    await expect(store.annotate({ sessionId: 's1', callId: 'a', updatedBy: 'x', verdict: 'maybe' })).rejects.toThrow(/invalid annotation: verdict/);
    await expect(store.annotate({ sessionId: 's1', callId: 'a', updatedBy: 'x', categories: ['latency', 'latency'] })).rejects.toThrow(/categories must not repeat/);
    await expect(store.annotate({ sessionId: 's1', callId: 'a', updatedBy: 'x', categories: ['slow'] })).rejects.toThrow(SessionStoreError);
    expect(store.annotations('s1')).toEqual([]);
  });

  it('refuses a session whose sampled calls have no records', async () => {
    const store = await open();
    await expect(store.createSession(NEW, CALLS.slice(0, 2))).rejects.toThrow('no call record for sampled call(s): c');
    await expect(store.createSession({ ...NEW, size: 40 }, CALLS)).rejects.toThrow(/invalid sampling session: size/);
    expect(store.list()).toEqual([]);
  });

  it('starts a session from the sampler and it survives the reservoir moving on', async () => {
    const sampler = new CallSampler({ rng: createPrng(1), perIntent: 10, failureCap: 10 });
    for (let i = 0; i < 40; i++) sampler.offer(call(`k${i}`, i % 4 ? 'orders' : 'billing', i % 5 === 0));
    const store = await open();
    const range = { from: T0, to: T0 + HOUR_MS };
    const started = await startSamplingSession(sampler, store, { name: ' Hour 1 ', range, seed: 99, overweightFailures: true }, 'dana');
    expect(started.session).toMatchObject({ name: 'Hour 1', seed: 99, size: 24, createdBy: 'dana' });
    expect(started.calls.map((c) => c.id)).toEqual(started.session.callIds);
    expect(started.session.callIds).toHaveLength(sampler.pool(range).length);
    expect(sampler.pool(range).length).toBeLessThan(24);
    for (let i = 40; i < 10_000; i++) sampler.offer(call(`k${i}`, 'orders'));
    await store.close();
    expect((await open()).get(started.session.id)?.calls.map((c) => c.id)).toEqual(started.session.callIds);
    await expect(startSamplingSession(sampler, store, { name: 'x', range, size: 50 }, 'dana')).rejects.toThrow(/invalid sampling request: size/);
    await expect(startSamplingSession(sampler, store, { name: 'x', range: { from: 0, to: 1000 } }, 'dana')).rejects.toThrow(/no calls are held/);
  });
});
