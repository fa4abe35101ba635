import { afterEach, describe, expect, it } from 'vitest';
import { MetricsAggregator } from '../../electron/core/metrics/aggregator.js';
import { StreamClient } from '../../electron/core/stream/stream-client.js';
import type { CallRecord } from '../../shared/protocol.js';
import { isoAt } from '../support/call-record.js';
import { hostileStream, type HostileConnection } from './support/hostile-stream.js';

/** Platform time at the hello of every script here. */
const T = Date.UTC(2026, 3, 1, 8);
const HOUR = 3_600_000;

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function until(cond: () => boolean, what: string): Promise<void> {
  const limit = Date.now() + 10_000;
  while (!cond()) {
    if (Date.now() > limit) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function against(script: (conn: HostileConnection) => void, options: { now?: () => number } = {}) {
  const server = await hostileStream(script);
  cleanup.push(() => server.close());
  const calls: CallRecord[] = [];
  const metrics = new MetricsAggregator();
  const lost: { from: number; to: number }[] = [];
  const client = new StreamClient(
    { url: server.url, reconnectDelayMs: 20, reconnectDelayMaxMs: 50, now: options.now },
    {
      call: (call) => {
        calls.push(call);
        metrics.ingestCall(call);
      },
      metric: (m) => metrics.ingestMetric(m),
      lost: (range) => {
        lost.push(range.seqs);
        metrics.markGap(range.fromTime, range.toTime);
      },
    },
  );
  client.start();
  cleanup.push(() => client.stop());
  const ids = () => calls.map((c) => c.id);
  return { server, client, calls, ids, metrics, lost };
}

const at = (ms: number) => ({ startedAt: isoAt(ms - 60_000), endedAt: isoAt(ms) });

describe('timestamps a platform may send', () => {
  it('refuses times no clock can hold, in calls and heartbeats, and takes the next call', async () => {
    const { client, ids } = await against((s) => {
      s.hello(0, isoAt(T));
      s.call(1, { endedAt: '+275760-09-13T00:00:00.000Z' });
      s.heartbeat(1, '+275760-09-13T00:00:00.000Z');
      s.call(2, { startedAt: '-271821-04-20T00:00:00.000Z', endedAt: isoAt(T) });
      s.call(3, at(T + 1000));
    });
    await until(() => ids().length === 1, 'the good call');
    expect(ids()).toEqual(['call-3']);
    const { rejected, streamTime } = client.status();
    expect(rejected.count).toBe(3);
    expect(rejected.lastReason).toMatch(/^call: call\.startedAt: must be an ISO timestamp with a four-digit year/);
    expect(streamTime).toBe(T + 1000);
  });

  it('refuses a future-dated call, counts and explains it, and keeps the windows counting', async () => {
    const { client, ids, metrics } = await against((s) => {
      s.hello(0, isoAt(T));
      s.call(1, at(T + 10_000));
      s.call(2, at(Date.UTC(2030, 0, 1)));
      s.call(3, at(T + 20_000));
      s.call(4, { startedAt: '9999-12-31T23:00:00.000Z', endedAt: '9999-12-31T23:59:59.999Z' });
      s.call(5, at(T + 30_000));
      s.heartbeat(5, isoAt(T + 31_000));
    });
    await until(() => client.status().seq === 5 && ids().length === 3, 'the calls dated now');
    expect(ids()).toEqual(['call-1', 'call-3', 'call-5']);
    const { future, streamTime, phase } = client.status();
    expect(future.count).toBe(2);
    expect(future.lastReason).toMatch(/^call call-4 startedAt 9999-12-31T23:00:00\.000Z is \d+ h ahead of the platform's clock/);
    // Stream time stays with the platform, so the windows go on counting the calls dated now.
    expect(streamTime).toBe(T + 31_000);
    expect(phase).toBe('live');
    expect(metrics.snapshot(T + 60_000).windows[5].overall.calls).toBe(3);
  });

  it('refuses calls older than the window before the hello, and calls that start impossibly early', async () => {
    const { client, ids } = await against((s) => {
      s.hello(0, isoAt(T));
      s.call(1, at(T - 49 * HOUR));
      s.call(2, { startedAt: isoAt(T - 49 * HOUR), endedAt: isoAt(T) });
      s.call(3, at(T - 47 * HOUR));
    });
    await until(() => client.status().seq === 3, 'all three');
    expect(ids()).toEqual(['call-3']);
    expect(client.status().late.count).toBe(2);
    expect(client.status().late.lastReason).toMatch(/^call call-2 startedAt .* is 49 h before the server's time at hello; the limit is 48 h$/);
  });

  it('follows a platform clock that runs ahead of its heartbeats a step at a time', async () => {
    const { client, ids } = await against((s) => {
      s.hello(0, isoAt(T));
      // An hour played at once, as a simulator does: each call a little after the one before.
      for (let i = 1; i <= 60; i++) s.call(i, at(T + i * 60_000));
    });
    await until(() => client.status().seq === 60, 'the hour');
    expect(ids()).toHaveLength(60);
    expect(client.status().future.count).toBe(0);
  });
});

describe('sequence numbers a platform may send', () => {
  it('refuses a seq past the newest the server announced, and takes every later call', async () => {
    const { client, ids } = await against((s) => {
      s.hello(0, isoAt(T));
      s.call(1, at(T));
      s.call(9007199254740991, at(T));
      s.call(2, at(T));
      s.heartbeat(2, isoAt(T));
      s.call(3, at(T));
    });
    await until(() => ids().length === 3, 'the calls after the jump');
    expect(ids()).toEqual(['call-1', 'call-2', 'call-3']);
    expect(client.status().rejected).toMatchObject({ count: 1 });
    expect(client.status().rejected.lastReason).toMatch(/seq 9007199254740991 jumps past the newest seq the server announced \(0\)/);
    expect(client.newestSeq).toBe(3);
  });

  it('answers a hole with a resume that replays what was missed, in order', async () => {
    const { server, ids, client, lost } = await against((s) => {
      if (s.index === 1) {
        s.hello(5, isoAt(T));
        s.call(1, at(T));
        s.call(5, at(T));
        return;
      }
      s.hello(5, isoAt(T));
      for (let seq = (s.since ?? 0) + 1; seq <= 5; seq++) s.call(seq, at(T));
    });
    await until(() => ids().length === 5, 'the replay');
    expect(ids()).toEqual(['call-1', 'call-2', 'call-3', 'call-4', 'call-5']);
    expect(server.connections.map((c) => c.since)).toEqual([0, 1]);
    expect(client.status().gaps).toEqual([]);
    expect(lost).toEqual([]);
  });

  it('marks a hole the resume cannot fill as a gap, takes a late seq into it, and counts a duplicate', async () => {
    const { client, ids, lost, metrics } = await against((s) => {
      s.hello(5, isoAt(T));
      if (s.index === 1) s.call(1, at(T));
      s.call(5, at(T + 20_000));
      if (s.index === 1) return;
      s.call(3, at(T + 10_000));
      s.call(5, at(T + 20_000));
    });
    await until(() => ids().length === 3 && client.status().duplicates.count === 1, 'the late seq and the duplicate');
    expect(ids()).toEqual(['call-1', 'call-5', 'call-3']);
    expect(lost).toEqual([{ from: 2, to: 4 }]);
    expect(client.status().gaps).toEqual([
      { from: 2, to: 2 },
      { from: 4, to: 4 },
    ]);
    expect(client.status().duplicates.lastReason).toBe('call call-5 seq 5 was already processed (newest 5)');
    expect(metrics.snapshot(T + 5 * 60_000).windows[5].overall.incomplete).toBe(true);
  });

  it('keeps the data age for accepted events: duplicates, refusals and a heartbeat ahead of the console do not look live', async () => {
    let wall = Date.now();
    const { client, server } = await against(
      (s) => {
        s.hello(1, isoAt(T));
        s.call(1, at(T));
      },
      { now: () => wall },
    );
    await until(() => client.newestSeq === 1, 'the first call');
    wall += 6000;
    expect(client.status().phase).toBe('stale');
    const s = server.current();
    s?.call(1, at(T));
    s?.call(9007199254740991, at(T));
    s?.call(2, at(Date.UTC(2031, 0, 1)));
    s?.raw('call', { seq: 3, call: { id: 'broken' } });
    await until(() => client.status().rejected.count === 2 && client.status().duplicates.count === 1, 'the refusals');
    expect(client.status().future.count).toBe(1);
    expect(client.status().phase).toBe('stale');
  });
});

describe('oversized input', () => {
  it('cuts runaway texts and lists and bounds nested extras, marking each cut, and keeps the call', async () => {
    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 1000; i++) deep = { deeper: deep };
    const megabyte = 'x'.repeat(1 << 20);
    const { calls, client } = await against((s) => {
      s.hello(1, isoAt(T));
      s.call(1, {
        ...at(T),
        turns: Array.from({ length: 5000 }, (_, i) => ({ speaker: 'caller' as const, text: i === 0 ? megabyte : 'hi', startMs: i, endMs: i + 1 })),
        errors: [{ kind: 'tts', message: megabyte }],
        vendor: deep,
        notes: megabyte,
      });
    });
    await until(() => calls.length === 1, 'the call');
    const [call] = calls as [CallRecord];
    expect(call.turns).toHaveLength(1000);
    expect(call.truncated).toEqual({ turns: 5000 });
    expect(call.turns[0]?.text).toMatch(/x…\[cut: 1044576 more characters not kept\]$/);
    expect(call.errors[0]?.message).toMatch(/…\[cut: 1047576 more characters not kept\]$/);
    expect(JSON.stringify(call.vendor)).toContain('[cut: nested deeper than 4 levels]');
    expect((call.notes as string).length).toBeLessThan(400);
    expect(JSON.stringify(call).length).toBeLessThan(100_000);
    expect(client.status().rejected.count).toBe(0);
  });
});

describe('a stream whose calls are all refused', () => {
  it('is not shown live while heartbeats keep coming and no call has been counted for the stale limit', async () => {
    const server = await hostileStream((s) => {
      s.hello(0, isoAt(T));
      s.call(1, at(T + 1000));
    });
    cleanup.push(() => server.close());
    const client = new StreamClient({ url: server.url, staleAfterMs: 300, reconnectDelayMs: 20, reconnectDelayMaxMs: 50 }, {});
    client.start();
    cleanup.push(() => client.stop());
    await until(() => client.status().seq === 1 && client.status().phase === 'live', 'the first call');

    // A platform whose clock ran a day ahead: every call refused as future, heartbeats fine.
    let seq = 1;
    const feed = setInterval(() => {
      const conn = server.current();
      if (!conn) return;
      seq += 1;
      conn.call(seq, at(T + 24 * HOUR));
      conn.heartbeat(seq, isoAt(T + 2000));
    }, 40);
    cleanup.push(() => clearInterval(feed));

    await until(() => client.status().future.count >= 3, 'refused calls');
    await until(() => client.status().phase === 'stale', 'the badge to leave live');
    const status = client.status();
    expect(status.dataAgeMs).toBeLessThan(300);
    expect(status.reconnects).toBe(0);
    expect(status.lastError).toMatch(/^calls are arriving but none is counted; last refused: /);
  });
});
