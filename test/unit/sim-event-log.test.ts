import { describe, expect, it } from 'vitest';
import type { CallRecord } from '../../shared/protocol.js';
import { EventLog, type CallRef } from '../../protocol-server/event-log.js';
import { IdempotencyCache } from '../../protocol-server/idempotency.js';
import { callRecord } from '../support/call-record.js';

const TS = '2026-01-01T00:00:00.000Z';
const metric = (value: number) => ({ ts: TS, name: 'm', value });
const call = (id: string): CallRecord => callRecord({ id, startedAt: TS, endedAt: TS, intent: 'x' });
const refuseRecall = (ref: CallRef): CallRecord => {
  throw new Error(`unexpected recall of ${ref.id}`);
};
const seqs = (log: EventLog, after: number) => [...log.after(after)].map((e) => e.payload.seq);

describe('event log', () => {
  it('numbers events of every kind from 1 and replays those after a seq', () => {
    const log = new EventLog(10, refuseRecall);
    expect(log.newestSeq).toBe(0);
    expect(log.oldestSeq).toBe(1);
    log.appendMetric(metric(0));
    log.appendCall(call('c1'));
    log.appendRouting({ ts: TS, state: { version: 1, mode: 'live', agentShare: 5, agentVersion: 'v2', previousVersion: null, intents: {}, updatedAt: TS, updatedBy: 'a' } });
    log.appendMetric(metric(3));
    expect(seqs(log, 0)).toEqual([1, 2, 3, 4]);
    expect(seqs(log, 2)).toEqual([3, 4]);
    expect(seqs(log, 4)).toEqual([]);
    expect([...log.after(0)].map((e) => e.name)).toEqual(['metric', 'call', 'routing', 'metric']);
    expect([...log.after(1)][0]).toEqual({ name: 'call', payload: { seq: 2, call: call('c1') } });
  });

  it('keeps only the newest `capacity` events', () => {
    const log = new EventLog(3, refuseRecall);
    for (let i = 0; i < 8; i += 1) log.appendMetric(metric(i));
    expect(log.oldestSeq).toBe(6);
    expect(seqs(log, 0)).toEqual([6, 7, 8]);
    expect([...log.after(0)].map((e) => (e.payload as { value: number }).value)).toEqual([5, 6, 7]);
  });

  it('holds only the newest calls whole and rebuilds older ones from their reference', () => {
    const recalled: CallRef[] = [];
    const log = new EventLog(100, (ref) => {
      recalled.push(ref);
      return call(ref.id);
    }, 2);
    for (let i = 1; i <= 5; i += 1) log.appendCall(call(`c${i}`));
    const replay = [...log.after(0)].map((e) => (e.name === 'call' ? e.payload.call.id : ''));
    expect(replay).toEqual(['c1', 'c2', 'c3', 'c4', 'c5']);
    expect(recalled.map((r) => r.id)).toEqual(['c1', 'c2', 'c3']);
    expect(recalled[0]).toEqual({ id: 'c1', startedAt: Date.parse(TS), agentVersion: 'v2' });
  });

  it('refuses a size that cannot hold an event', () => {
    expect(() => new EventLog(0, refuseRecall)).toThrowError(/bufferSize/);
  });
});

describe('idempotency cache', () => {
  it('forgets the least recently used key first', () => {
    const cache = new IdempotencyCache(2);
    const reply = (n: number) => ({ fingerprint: `f${n}`, status: 200, body: n });
    cache.set('a', reply(1));
    cache.set('b', reply(2));
    expect(cache.get('a')?.body).toBe(1);
    cache.set('c', reply(3));
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')?.body).toBe(1);
    expect(cache.get('c')?.body).toBe(3);
    expect(cache.size).toBe(2);
  });
});
