/**
 * The stream's front door as the console runs it: JSON.parse of a payload, the hardened schema
 * (texts cut, lists capped, extras bounded), the event gate (platform time window, seq order) and
 * the aggregator. First realistic calls, timed; then 100,000 hostile events of every kind the
 * console refuses or cuts, with the heap measured after a GC before and after them.
 *
 *   npx tsx test/bench/stream.ts
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MetricsAggregator } from '../../electron/core/metrics/aggregator.js';
import { EventGate } from '../../electron/core/stream/event-gate.js';
import { CallEventSchema, DEFAULT_INTENTS, describeZodError, PROTOCOL_VERSION } from '../../shared/protocol.js';
import { CallGenerator, STREAM_START } from './aggregation.js';
import { findGc } from './gc.js';

const GOOD_EVENTS = 200_000;
const HOSTILE_EVENTS = 100_000;
const CHUNK = 50_000;
const HOUR = 3_600_000;

/** Payload templates cut at the seq, so each hostile event costs a concatenation, not a stringify. */
function template(call: Record<string, unknown>): (seq: number) => string {
  const [before, after] = JSON.stringify({ seq: 424242, call }).split('424242') as [string, string];
  return (seq) => before + seq + after;
}

function hostileKinds(at: (ms: number) => string): ((seq: number) => string)[] {
  const base = {
    id: 'hostile',
    startedAt: at(STREAM_START),
    endedAt: at(STREAM_START),
    intent: 'order_status',
    agentVersion: 'v2',
    route: 'agent',
    connected: true,
    outcome: 'completed',
    turns: [],
    toolCalls: [],
    errors: [],
    safety: { pii: 0, policy: 0, injection: 0 },
  };
  let deep: unknown = { leaf: true };
  for (let i = 0; i < 1000; i++) deep = { deeper: deep };
  const wide = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`extra${i}`, 'y'.repeat(1000)]));
  return [
    template({ ...base, endedAt: '9999-12-31T23:59:59.999Z' }),
    template({ ...base, endedAt: '+275760-09-13T00:00:00.000Z' }),
    template({ ...base, startedAt: at(STREAM_START - 72 * HOUR) }),
    template({ ...base, route: 'satellite' }),
    template({ ...base, turns: [{ speaker: 'caller', text: 'x'.repeat(256 * 1024), startMs: 0, endMs: 1 }] }),
    template({ ...base, turns: Array.from({ length: 5000 }, (_, i) => ({ speaker: 'agent', text: 'ok', startMs: i, endMs: i + 1, latencyMs: 500 })) }),
    template({ ...base, vendor: deep }),
    template({ ...base, ...wide }),
  ];
}

function heapMb(gc: (() => void) | null): number {
  gc?.();
  return Math.round((process.memoryUsage().heapUsed / 1024 / 1024) * 10) / 10;
}

export async function benchStream(): Promise<Record<string, number>> {
  const gc = findGc();
  const at = (ms: number) => new Date(ms).toISOString();
  const gate = new EventGate({ acceptPastMs: 48 * HOUR, acceptFutureMs: 120_000, now: Date.now });
  gate.hello({ protocol: PROTOCOL_VERSION, launchId: 'bench', agentVersion: 'v2', serverTime: at(STREAM_START), seq: GOOD_EVENTS });
  const agg = new MetricsAggregator({ intents: [...DEFAULT_INTENTS] });
  let accepted = 0;

  const take = (line: string): void => {
    const raw = JSON.parse(line) as { seq?: unknown };
    const parsed = CallEventSchema.safeParse(raw);
    if (!parsed.success) {
      gate.invalid('call', raw.seq, describeZodError(parsed.error));
      return;
    }
    const { call, seq } = parsed.data;
    const verdict = gate.sequenced(`call ${call.id}`, seq, [
      ['startedAt', Date.parse(call.startedAt)],
      ['endedAt', Date.parse(call.endedAt)],
    ]);
    if (!verdict.accept) return;
    agg.ingestCall(call);
    accepted++;
  };

  const gen = new CallGenerator(20250602);
  let busyMs = 0;
  for (let done = 0; done < GOOD_EVENTS; done += CHUNK) {
    const lines = gen.chunk(CHUNK);
    const started = performance.now();
    for (const line of lines) take(line);
    busyMs += performance.now() - started;
  }
  const goodAccepted = accepted;
  const baseline = heapMb(gc);

  const kinds = hostileKinds(at);
  let seq = gate.lastSeq;
  const started = performance.now();
  for (let i = 0; i < HOSTILE_EVENTS; i++) {
    const pick = i % (kinds.length + 2);
    // Two more kinds on real seqs: a jump to the largest safe integer, and a replayed old seq.
    if (pick === kinds.length) take(gen.next().replace(/^\{"seq":\d+/, `{"seq":${Number.MAX_SAFE_INTEGER}`));
    else if (pick === kinds.length + 1) take(gen.next().replace(/^\{"seq":\d+/, '{"seq":1'));
    else take((kinds[pick] as (s: number) => string)(++seq));
  }
  const hostileMs = performance.now() - started;
  const after = heapMb(gc);
  const { counts } = gate;
  return {
    eventsPerSec: Math.round((GOOD_EVENTS / busyMs) * 1000),
    goodAccepted,
    hostileEventsPerSec: Math.round((HOSTILE_EVENTS / hostileMs) * 1000),
    heapMbBaseline: baseline,
    heapMbAfterHostile: after,
    refused: counts.rejected.count + counts.late.count + counts.future.count + counts.duplicate.count,
    acceptedCut: accepted - goodAccepted,
    gcForced: gc ? 1 : 0,
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const figures = await benchStream();
  for (const [name, value] of Object.entries(figures)) console.log(`${name.padEnd(22)} ${value}`);
}
