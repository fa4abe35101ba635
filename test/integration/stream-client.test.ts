import { createServer } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { Server } from 'socket.io';
import { MetricsAggregator } from '../../electron/core/metrics/aggregator.js';
import { StreamClient } from '../../electron/core/stream/stream-client.js';
import { STREAM_NAMESPACE, type CallRecord } from '../../shared/protocol.js';
import { startSimulator, type SimHandle } from '../../sim/server.js';
import { callRecord } from '../support/call-record.js';

const T0 = Date.UTC(2026, 3, 1, 8);
const MINUTE = 60_000;

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

/** Waits for a condition the test expects to become true; the limit only stops a hung test. */
async function until(cond: () => boolean, what: string): Promise<void> {
  const limit = Date.now() + 20_000;
  while (!cond()) {
    if (Date.now() > limit) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function simulator(options: Parameters<typeof startSimulator>[0] = {}): Promise<SimHandle> {
  const sim = await startSimulator({ port: 0, manualClock: true, startTime: T0, seed: 5, rate: 3, ...options });
  cleanup.push(() => sim.close());
  return sim;
}

function client(sim: SimHandle) {
  const calls: CallRecord[] = [];
  const metrics = new MetricsAggregator();
  const c = new StreamClient(
    { url: sim.url, reconnectDelayMs: 50, reconnectDelayMaxMs: 200 },
    {
      call: (call) => {
        calls.push(call);
        metrics.ingestCall(call);
      },
    },
  );
  c.start();
  cleanup.push(() => c.stop());
  return { c, calls, metrics };
}

describe('stream client against the real simulator', () => {
  it('counts every call once across server drops and client network drops', async () => {
    const sim = await simulator();
    const { c, calls, metrics } = client(sim);
    await until(() => c.status().phase === 'live', 'first connect');

    sim.advance(10 * MINUTE);
    await until(() => c.newestSeq === sim.seq(), 'catching up');

    sim.dropConnections();
    sim.advance(10 * MINUTE);
    await until(() => c.newestSeq === sim.seq() && c.status().phase === 'live', 'resume after a server drop');

    c.simulateNetworkDrop();
    sim.advance(10 * MINUTE);
    await until(() => c.newestSeq === sim.seq() && c.status().phase === 'live', 'resume after a network drop');

    expect(sim.emittedCalls).toBeGreaterThan(3000);
    expect(calls).toHaveLength(sim.emittedCalls);
    expect(new Set(calls.map((k) => k.id)).size).toBe(calls.length);
    expect(metrics.totalCalls).toBe(sim.emittedCalls);
    expect(c.status().reconnects).toBeGreaterThanOrEqual(2);
    expect(c.status().rejected.count).toBe(0);
    expect(c.status().gaps).toEqual([]);
  });

  it('marks a gap when the server can no longer replay what was missed', async () => {
    const sim = await simulator({ bufferSize: 200 });
    const { c } = client(sim);
    await until(() => c.status().phase === 'live', 'first connect');
    sim.advance(MINUTE);
    await until(() => c.newestSeq === sim.seq(), 'catching up');
    const before = c.newestSeq;

    c.stop();
    sim.advance(30 * MINUTE);
    const resumed = new StreamClient({ url: sim.url, since: before }, {});
    resumed.start();
    cleanup.push(() => resumed.stop());
    await until(() => resumed.newestSeq === sim.seq(), 'resume');
    const [gap] = resumed.status().gaps;
    expect(gap?.from).toBe(before + 1);
    expect(gap?.to).toBeGreaterThan(before + 1);
  });

  it('counts the calls of a restarted stream whose seq starts below the one held', async () => {
    const sim = await simulator();
    sim.advance(MINUTE);
    // The console last saw seq 1,000,000 from the stream's previous run (e.g. before a relay restart).
    const calls: CallRecord[] = [];
    const c = new StreamClient({ url: sim.url, since: 1_000_000 }, { call: (call) => calls.push(call) });
    c.start();
    cleanup.push(() => c.stop());
    await until(() => c.status().launchId !== null, 'hello');
    const before = sim.emittedCalls;
    sim.advance(5 * MINUTE);
    await until(() => c.newestSeq === sim.seq(), 'catching up with the new run');
    expect(sim.emittedCalls - before).toBeGreaterThan(100);
    expect(calls).toHaveLength(sim.emittedCalls - before);
  });

  it('goes stale when the stream stops while the socket stays open', async () => {
    let wall = Date.now();
    const sim = await simulator();
    const c = new StreamClient({ url: sim.url, staleAfterMs: 5000, now: () => wall }, {});
    c.start();
    cleanup.push(() => c.stop());
    await until(() => c.status().phase === 'live', 'first connect');
    sim.pauseStream();
    wall += 5001;
    expect(c.status().phase).toBe('stale');
    expect(c.status().dataAgeMs).toBeGreaterThan(5000);
  });
});

describe('stream client validation', () => {
  it('counts and describes a bad event and keeps going', async () => {
    const http = createServer();
    const io = new Server(http);
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
    cleanup.push(() => new Promise<void>((r) => io.close(() => r())));
    const port = (http.address() as { port: number }).port;
    const good = (seq: number, id: string) => ({
      seq,
      call: { ...callRecord({ id }), vendorField: 'kept' },
    });
    io.of(STREAM_NAMESPACE).on('connection', (socket) => {
      socket.emit('hello', { protocol: 1, launchId: 'run', agentVersion: 'v2', serverTime: good(1, 'a').call.endedAt, seq: 3 });
      socket.emit('call', good(1, 'a'));
      socket.emit('call', { seq: 2, call: { ...good(2, 'b').call, route: 'satellite' } });
      socket.emit('call', good(3, 'c'));
    });

    const calls: CallRecord[] = [];
    const c = new StreamClient({ url: `http://127.0.0.1:${port}` }, { call: (call) => calls.push(call) });
    c.start();
    cleanup.push(() => c.stop());
    await until(() => calls.length === 2, 'the two good calls');
    expect(calls.map((k) => k.id)).toEqual(['a', 'c']);
    expect(calls[0]).toMatchObject({ vendorField: 'kept' });
    expect(c.status().rejected.count).toBe(1);
    expect(c.status().rejected.lastReason).toMatch(/^call: call\.route: /);
  });
});
