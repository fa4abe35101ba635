/**
 * Memory of the launch's KPI history: 14 days of a 5-intent launch, every minute of every intent
 * written with turns spread over many latency bins (the most a slot costs), then the bytes the
 * history holds, its bound by construction, and how long a review's and the whole launch's
 * figures take to compute.
 *
 *   npx tsx test/bench/kpi-history.ts
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CallRecord } from '../../shared/protocol.js';
import { KpiHistory } from '../../electron/core/metrics/kpi-history.js';

const INTENTS = ['order_status', 'book_appointment', 'billing_question', 'cancel_service', 'talk_to_human'];
const DAYS = 14;
const START = Date.UTC(2025, 5, 2, 8, 0, 0);
const MIN = 60_000;

export async function benchKpiHistory(): Promise<Record<string, number>> {
  const history = new KpiHistory({ intents: INTENTS });
  const call: CallRecord = {
    id: 'c',
    startedAt: new Date(START).toISOString(),
    endedAt: new Date(START).toISOString(),
    intent: INTENTS[0]!,
    agentVersion: 'v2',
    route: 'agent',
    connected: true,
    outcome: 'completed',
    turns: [],
    toolCalls: [],
    errors: [],
    safety: { pii: 0, policy: 0, injection: 0 },
  };
  const minutes = DAYS * 24 * 60;
  for (let m = 0; m < minutes; m++) {
    for (const [i, intent] of INTENTS.entries()) {
      call.intent = intent;
      call.endedAt = new Date(START + m * MIN + 1_000 + i).toISOString();
      call.turns = [
        { speaker: 'agent', text: 'ok', startMs: 0, endMs: 1, latencyMs: 100 + ((m * 7 + i * 131) % 3000) },
        { speaker: 'agent', text: 'ok', startMs: 2, endMs: 3, latencyMs: 40 + ((m * 13 + i) % 9000) },
      ];
      history.ingestCall(call);
    }
    history.observe(START + m * MIN + 30_000);
    if (m % 60 === 0) history.takeClosed();
  }
  history.takeAll();
  const end = START + minutes * MIN;
  let t = performance.now();
  history.figures(end - 4 * 60 * MIN, end);
  const reviewMs = performance.now() - t;
  t = performance.now();
  const whole = history.figures(START, end);
  const wholeMs = performance.now() - t;
  const { bytes, boundBytes } = history.footprint;
  return {
    bytes14Days5Intents: bytes,
    mb14Days5Intents: bytes / 1024 / 1024,
    boundMbAt11Scopes30Days: boundBytes / 1024 / 1024,
    fourHourFiguresMs: reviewMs,
    wholeLaunchFiguresMs: wholeMs,
    wholeLaunchSeriesPoints: whole.series.length,
  };
}

if (resolve(process.argv[1] ?? '') === fileURLToPath(import.meta.url)) {
  console.log(await benchKpiHistory());
}
