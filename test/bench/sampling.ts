/**
 * Memory and speed of call sampling over a whole launch: the heap the sampler holds after
 * 5,000,000 calls (it must stay bounded: at most perIntent x (intents + 1) + failureCap calls),
 * and the time to draw a 30-call stratified sample from a 48-hour launch. Prints figures; never
 * asserts on them (speed depends on the machine).
 *
 *   npx tsx test/bench/sampling.ts
 *
 * Calls are generated cheaply: turn and tool arrays are shared between calls and ISO timestamps
 * are cached per second, so the figures measure the sampler, not the generator. A real call's
 * transcript adds its own size to each of the (at most 12,200) calls held.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CallRecord } from '../../shared/protocol.js';
import { createPrng } from '../../electron/core/sampling/prng.js';
import { CallSampler } from '../../electron/core/sampling/reservoir.js';
import { drawSample } from '../../electron/core/sampling/stratify.js';
import { findGc } from './gc.js';

const TOTAL_CALLS = 5_000_000;
const LAUNCH_MS = 48 * 3_600_000;
const START = Date.UTC(2025, 5, 2, 8, 0, 0);
const INTENTS = ['book_appointment', 'order_status', 'billing_question', 'cancel_service', 'talk_to_human', 'update_address', 'refund', 'store_hours'];
const DRAWS = 25;

const TURNS: CallRecord['turns'][] = [
  [
    { speaker: 'caller', text: 'Hi, where is my order?', startMs: 0, endMs: 1800 },
    { speaker: 'agent', text: 'Let me check that for you.', startMs: 2300, endMs: 3900, latencyMs: 500 },
  ],
  [
    { speaker: 'caller', text: 'Can I move my appointment?', startMs: 0, endMs: 1500 },
    { speaker: 'agent', text: 'Sure, to which day?', startMs: 2100, endMs: 3000, latencyMs: 600 },
    { speaker: 'caller', text: 'Thursday please.', startMs: 3500, endMs: 4400 },
  ],
];
const TOOLS_OK: CallRecord['toolCalls'] = [{ name: 'lookup_order', ok: true, latencyMs: 240 }];
const TOOLS_FAILED: CallRecord['toolCalls'] = [{ name: 'lookup_order', ok: false, latencyMs: 3000, error: 'timeout' }];
const NO_ERRORS: CallRecord['errors'] = [];
const SAFE = { pii: 0, policy: 0, injection: 0 };

function heapMb(gc: (() => void) | null): number {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

const round = (x: number, digits = 2): number => Number(x.toFixed(digits));

export async function benchSampling(): Promise<Record<string, number>> {
  const gc = findGc();
  const random = createPrng(2025);
  const before = heapMb(gc);
  const sampler = new CallSampler({ rng: createPrng(1) });

  let isoSecond = -1;
  let iso = '';
  const offerStart = performance.now();
  for (let i = 0; i < TOTAL_CALLS; i++) {
    const endedAtMs = START + Math.floor((i / TOTAL_CALLS) * LAUNCH_MS);
    const second = Math.floor(endedAtMs / 1000);
    if (second !== isoSecond) {
      isoSecond = second;
      iso = new Date(second * 1000).toISOString();
    }
    const failed = random.int(20) === 0;
    const call: CallRecord = {
      id: `c${i}`,
      startedAt: iso,
      endedAt: iso,
      intent: INTENTS[random.int(INTENTS.length)] ?? 'order_status',
      agentVersion: 'v2',
      route: 'agent',
      connected: true,
      outcome: failed ? 'failed' : 'completed',
      turns: TURNS[i % TURNS.length] ?? [],
      toolCalls: failed ? TOOLS_FAILED : TOOLS_OK,
      errors: NO_ERRORS,
      safety: SAFE,
    };
    sampler.offer(call, endedAtMs);
  }
  const offerMs = performance.now() - offerStart;
  const held = heapMb(gc) - before;

  const range = { from: START, to: START + LAUNCH_MS };
  const drawMs: number[] = [];
  const withPoolMs: number[] = [];
  for (let seed = 0; seed < DRAWS; seed++) {
    const t0 = performance.now();
    const pool = sampler.pool(range);
    const traffic = sampler.trafficIn(range);
    const t1 = performance.now();
    drawSample({ pool, traffic, size: 30, range, seed, overweightFailures: seed % 2 === 0 });
    const t2 = performance.now();
    drawMs.push(t2 - t1);
    withPoolMs.push(t2 - t0);
  }

  return {
    calls: TOTAL_CALLS,
    keptCalls: sampler.keptCount(),
    capacity: sampler.capacity,
    heapHeldMb: round(held),
    offerNsPerCall: round((offerMs * 1e6) / TOTAL_CALLS, 0),
    drawSample30Ms: round(median(drawMs), 3),
    poolAndDraw30Ms: round(median(withPoolMs), 3),
    gcForced: gc ? 1 : 0,
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const figures = await benchSampling();
  for (const [name, value] of Object.entries(figures)) console.log(`${name.padEnd(18)} ${value}`);
  if (!figures.gcForced) console.log('note: gc could not be forced; heap figures include garbage');
}
