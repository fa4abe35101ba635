/**
 * The relay on loopback, as its own process: signed Vapi end-of-call reports POSTed by 64
 * keep-alive connections, each answered only once written with fsync (accepted per second, P99
 * time to 2xx); then a console catching up 100,000 buffered calls from the relay's journal
 * (connect with `since: 0` to holding the newest seq). Prints figures; never asserts on them.
 * Beside each wall-clock figure, the CPU time spent per webhook and per caught-up call (the
 * relay's from its /metrics, the console's from process.cpuUsage): on a shared machine the
 * wall clock measures the neighbours too, CPU time only the work.
 *
 *   npx tsx test/bench/relay.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MetricsAggregator } from '../../electron/core/metrics/aggregator.js';
import { StreamClient } from '../../electron/core/stream/stream-client.js';
import { DEFAULT_INTENTS } from '../../shared/protocol.js';
import { mapVapi } from '../../relay/map-vapi.js';
import { Journal } from '../../relay/journal.js';
import { SECRETS, vapiCompleted, vapiHeaders } from '../support/relay-fixtures.js';
import { freePort, startRelayProcess, writeRelayConfig } from '../support/relay-process.js';

const WEBHOOKS = 20_000;
const CONNECTIONS = 32;
const BUFFERED = 100_000;

/** The relay process's CPU seconds so far, as its /metrics reports them. */
async function relayCpuSeconds(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(/^process_cpu_seconds_total (\S+)$/m.exec(text)?.[1] ?? Number.NaN);
}

const cpuSecondsHere = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
}

/**
 * One keep-alive connection sending prepared requests one after another, reading each reply's
 * status line and length by hand: a client as light as wrk's, so the two cores go to the relay.
 */
class Connection {
  private socket: Socket;
  private buffer: Buffer = Buffer.alloc(0);
  private waiting: ((status: number) => void) | null = null;

  constructor(port: number) {
    this.socket = connect(port, '127.0.0.1');
    this.socket.setNoDelay(true);
    this.socket.on('data', (d: Buffer) => {
      this.buffer = this.buffer.length ? Buffer.concat([this.buffer, d]) : d;
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end === -1) return;
      const head = this.buffer.toString('latin1', 0, end);
      const length = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? 0);
      if (this.buffer.length < end + 4 + length) return;
      this.buffer = this.buffer.subarray(end + 4 + length);
      const done = this.waiting;
      this.waiting = null;
      done?.(Number(head.slice(9, 12)));
    });
  }

  send(request: Buffer): Promise<number> {
    return new Promise((resolve) => {
      this.waiting = resolve;
      this.socket.write(request);
    });
  }

  close(): void {
    this.socket.destroy();
  }
}

async function benchWebhooks(dir: string): Promise<Record<string, number>> {
  const port = await freePort();
  const relay = await startRelayProcess(writeRelayConfig(dir, port));
  try {
    const now = Date.now();
    // Signed and framed up front: the platforms' signing time is not the relay's.
    const requests = Array.from({ length: WEBHOOKS }, (_, i) => {
      const body = JSON.stringify(vapiCompleted(`bench-${i}`, { startedAt: now - 120_000, endedAt: now - 60_000 }));
      const headers = Object.entries({ ...vapiHeaders(body, now), host: '127.0.0.1', 'content-length': String(Buffer.byteLength(body)) })
        .map(([k, v]) => `${k}: ${v}\r\n`)
        .join('');
      return Buffer.from(`POST /webhooks/vapi HTTP/1.1\r\n${headers}\r\n${body}`);
    });
    const connections = Array.from({ length: CONNECTIONS }, () => new Connection(port));
    const latencies: number[] = [];
    let failed = 0;
    let next = 0;
    const cpuBefore = await relayCpuSeconds(relay.url);
    const started = performance.now();
    await Promise.all(
      connections.map(async (connection) => {
        while (next < requests.length) {
          const r = requests[next++];
          if (!r) break;
          const t = performance.now();
          const status = await connection.send(r);
          latencies.push(performance.now() - t);
          if (status !== 200) failed += 1;
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const cpu = (await relayCpuSeconds(relay.url)) - cpuBefore;
    for (const c of connections) c.close();
    latencies.sort((a, b) => a - b);
    return {
      webhooksPerSec: Math.round(WEBHOOKS / seconds),
      p50Ms: percentile(latencies, 0.5),
      p99Ms: percentile(latencies, 0.99),
      notAccepted: failed,
      relayCpuUsPerWebhook: Math.round((cpu * 1e6) / WEBHOOKS),
      webhooksPerRelayCpuSec: Math.round(WEBHOOKS / cpu),
    };
  } finally {
    await relay.stop();
  }
}

async function benchCatchUp(dir: string): Promise<Record<string, number>> {
  // The journal a relay leaves after 100,000 calls, written directly: posting them would take minutes.
  const journal = Journal.open({ dir: join(dir, 'data', 'journal'), capacity: BUFFERED }, () => undefined);
  const now = Date.now();
  let last: Promise<void> = Promise.resolve();
  for (let i = 0; i < BUFFERED; i++) {
    const r = mapVapi(vapiCompleted(`buffered-${i}`, { startedAt: now - 600_000, endedAt: now - 300_000 + (i % 1000) }), {
      receivedAt: now,
      defaultIntent: 'unknown',
      intentPath: 'intent',
    });
    if (r.kind !== 'call') throw new Error('fixture is not a call');
    last = journal.appendCall({ key: r.mapped.callKey, at: now, keys: [r.deliveryKey], sids: [], call: r.mapped.call }).durable;
    if (i % 5000 === 4999) await last;
  }
  await last;
  await journal.close();

  const port = await freePort();
  const relay = await startRelayProcess(writeRelayConfig(dir, port));
  const aggregator = new MetricsAggregator({ intents: [...DEFAULT_INTENTS] });
  let helloSeq = -1;
  let calls = 0;
  const client = new StreamClient(
    { url: relay.url, token: SECRETS.stream, since: 0 },
    {
      hello: (e) => (helloSeq = e.seq),
      call: (call) => {
        calls += 1;
        aggregator.ingestCall(call);
      },
    },
  );
  try {
    const relayCpuBefore = await relayCpuSeconds(relay.url);
    const consoleCpuBefore = cpuSecondsHere();
    const started = performance.now();
    client.start();
    await new Promise<void>((resolve, reject) => {
      const limit = setTimeout(() => reject(new Error(`catch-up stalled at seq ${client.newestSeq} of ${helloSeq}`)), 60_000);
      const poll = setInterval(() => {
        if (helloSeq > 0 && client.newestSeq >= helloSeq) {
          clearInterval(poll);
          clearTimeout(limit);
          resolve();
        }
      }, 5);
    });
    const catchUpMs = Math.round(performance.now() - started);
    const consoleCpu = cpuSecondsHere() - consoleCpuBefore;
    const relayCpu = (await relayCpuSeconds(relay.url)) - relayCpuBefore;
    return {
      catchUpMs,
      caughtUpCalls: calls,
      consoleCpuUsPerCall: Math.round((consoleCpu * 1e6) / calls),
      relayCpuUsPerCall: Math.round((relayCpu * 1e6) / calls),
      catchUpCpuMs: Math.round((consoleCpu + relayCpu) * 1000),
    };
  } finally {
    client.stop();
    await relay.stop();
  }
}

export async function benchRelay(): Promise<Record<string, number>> {
  const a = mkdtempSync(join(tmpdir(), 'bench-relay-'));
  const b = mkdtempSync(join(tmpdir(), 'bench-relay-catchup-'));
  try {
    return { ...(await benchWebhooks(a)), ...(await benchCatchUp(b)) };
  } finally {
    rmSync(a, { recursive: true, force: true });
    rmSync(b, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const only = process.argv[2];
  const dir = mkdtempSync(join(tmpdir(), 'bench-relay-'));
  try {
    console.log(only === 'webhooks' ? await benchWebhooks(dir) : only === 'catch-up' ? await benchCatchUp(dir) : await benchRelay());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
