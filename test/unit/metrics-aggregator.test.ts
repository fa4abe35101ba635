import { describe, expect, it } from 'vitest';
import type { MetricsSnapshot, WindowStats } from '../../shared/kpi.js';
import type { CallRecord, MetricEvent, Turn } from '../../shared/protocol.js';
import { MetricsAggregator, OVERFLOW_INTENT } from '../../electron/core/metrics/aggregator.js';
import { HISTOGRAM_RELATIVE_ERROR } from '../../electron/core/metrics/histogram.js';
import { callRecord } from '../support/call-record.js';

const MIN = 60_000;
/** A whole hour, so windows ending here start on bucket and minute boundaries. */
const T0 = Date.UTC(2025, 5, 2, 9, 0, 0);
const NOW = T0 + 2 * 60 * MIN;

const iso = (ms: number) => new Date(ms).toISOString();

let nextId = 0;
/** An agent call that connected, completed, with no tools, errors or safety events. */
function call(endedAtMs: number, over: Partial<CallRecord> = {}): CallRecord {
  return callRecord({ id: `c${++nextId}`, startedAt: iso(endedAtMs - 90_000), endedAt: iso(endedAtMs), ...over });
}

function agentTurn(startMs: number, latencyMs: number, interrupted = false): Turn {
  return { speaker: 'agent', text: 'ok', startMs, endMs: startMs + 800, latencyMs, interrupted };
}
const callerTurn = (startMs: number): Turn => ({ speaker: 'caller', text: 'hi', startMs, endMs: startMs + 500 });
const tool = (ok: boolean) => ({ name: 'lookup', ok, latencyMs: 120 });

function metric(tsMs: number, name: string, value: number, intent?: string): MetricEvent {
  return { seq: ++nextId, ts: iso(tsMs), name, value, ...(intent ? { intent } : {}) };
}

/** The hand-written launch minute the KPI tests are computed from. */
function handWrittenCalls(): CallRecord[] {
  const end = NOW - 30_000;
  return [
    // A: clean call, one interrupted turn, two good tool calls.
    call(end, {
      turns: [callerTurn(0), agentTurn(1000, 400), callerTurn(2000), agentTurn(3000, 800, true)],
      toolCalls: [tool(true), tool(true)],
    }),
    // B: escalated correctly after a model error, one failed tool call, one PII event.
    call(end - 5_000, {
      outcome: 'escalated',
      turns: [agentTurn(500, 1200), agentTurn(3000, 600)],
      toolCalls: [tool(true), tool(false)],
      errors: [{ kind: 'model', message: 'upstream 500' }],
      escalation: { requested: true, transferred: true, contextPreserved: true },
      safety: { pii: 1, policy: 0, injection: 0 },
    }),
    // C: billing, transferred without context, two TTS errors, policy and injection flags.
    call(end - 10_000, {
      intent: 'billing_question',
      outcome: 'abandoned',
      turns: [agentTurn(200, 2000)],
      toolCalls: [tool(false)],
      errors: [
        { kind: 'tts', message: 'voice timeout' },
        { kind: 'tts', message: 'voice timeout' },
      ],
      escalation: { requested: true, transferred: true, contextPreserved: false },
      safety: { pii: 0, policy: 2, injection: 1 },
    }),
    // D: never connected.
    call(end - 15_000, { connected: false, outcome: 'failed', errors: [{ kind: 'timeout', message: 'no answer' }] }),
    // E and F: not the agent's calls; their turns, tools, errors and safety must not count.
    call(end - 20_000, {
      route: 'fallback',
      turns: [agentTurn(0, 5000, true)],
      toolCalls: [tool(false)],
      errors: [{ kind: 'model', message: 'x' }],
      safety: { pii: 3, policy: 3, injection: 3 },
    }),
    call(end - 25_000, { route: 'human', outcome: 'escalated' }),
  ];
}

function withinHistogramError(actual: number | null, exact: number): void {
  expect(actual).not.toBeNull();
  expect(Math.abs((actual as number) - exact) / exact).toBeLessThan(HISTOGRAM_RELATIVE_ERROR);
}

function ingestAll(agg: MetricsAggregator, calls: CallRecord[]): void {
  for (const c of calls) agg.ingestCall(c);
}

function overall(snap: MetricsSnapshot, windowMin: 1 | 5 | 15 | 60): WindowStats {
  return snap.windows[windowMin].overall;
}

describe('MetricsAggregator KPIs', () => {
  const agg = new MetricsAggregator({ intents: ['order_status', 'billing_question', 'cancel_service'] });
  ingestAll(agg, handWrittenCalls());
  agg.ingestMetric(metric(NOW - 20_000, 'tts.failures', 2, 'billing_question'));
  agg.ingestMetric(metric(NOW - 20_000, 'asr.wer', 0.3));
  const snap = agg.snapshot(NOW);

  it('computes every KPI of the hand-written minute', () => {
    const w = overall(snap, 1);
    const { turnLatencyP50, turnLatencyP95, timeToFirstWordP95, ...exact } = w.kpis;
    expect(exact).toEqual({
      callRate: 6,
      failedConnectionRate: 1 / 4,
      toolSuccess: 3 / 5,
      toolFailureRate: 2 / 5,
      modelErrorRate: 1 / 4,
      // The calls' own two tts errors; the platform's tts.failures figure is not added on top.
      ttsFailures: 2,
      interruptionRate: 1 / 5,
      fallbackRate: 1 / 6,
      taskCompletion: 1 / 3,
      containment: 2 / 3,
      escalationCorrectness: 1 / 2,
      agentErrorRate: 3 / 4,
      piiEvents: 1,
      policyViolations: 2,
      injectionFlags: 1,
    });
    // Agent turn latencies 400 600 800 1200 2000; first words 400 1200 2000 (nearest rank).
    withinHistogramError(turnLatencyP50, 800);
    withinHistogramError(turnLatencyP95, 2000);
    withinHistogramError(timeToFirstWordP95, 2000);
    expect(w).toMatchObject({ windowMin: 1, calls: 4, connected: 3, agentTurns: 5, toolCalls: 5, escalations: 2 });
  });

  it('divides the call rate by the window length', () => {
    expect(overall(snap, 5).kpis.callRate).toBeCloseTo(6 / 5);
    expect(overall(snap, 60).kpis.callRate).toBeCloseTo(6 / 60);
    expect(overall(snap, 60).kpis.fallbackRate).toBeCloseTo(1 / 6);
  });

  it('splits by intent, configured intents included before their first call', () => {
    const intents = snap.windows[1].intents;
    expect(Object.keys(intents).sort()).toEqual(['billing_question', 'cancel_service', 'order_status']);
    const billing = intents.billing_question as WindowStats;
    expect(billing).toMatchObject({ calls: 1, connected: 1, agentTurns: 1, toolCalls: 1, escalations: 1 });
    expect(billing.kpis).toMatchObject({
      callRate: 1,
      toolSuccess: 0,
      ttsFailures: 2,
      escalationCorrectness: 0,
      containment: 1,
      taskCompletion: 0,
      policyViolations: 2,
      fallbackRate: 0,
    });
    const orders = intents.order_status as WindowStats;
    expect(orders).toMatchObject({ calls: 3, connected: 2, agentTurns: 4, toolCalls: 4, escalations: 1 });
    expect(orders.kpis).toMatchObject({
      callRate: 5,
      fallbackRate: 1 / 5,
      failedConnectionRate: 1 / 3,
      escalationCorrectness: 1,
      ttsFailures: 0,
      piiEvents: 1,
    });
    const cancel = intents.cancel_service as WindowStats;
    expect(cancel.calls).toBe(0);
    expect(cancel.kpis.callRate).toBe(0);
    expect(cancel.kpis.taskCompletion).toBeNull();
  });

  it('reports the all-route call count apart from the agent-call count', () => {
    expect(agg.allRouteCalls(1, NOW)).toBe(6);
    expect(agg.allRouteCalls(1, NOW, 'order_status')).toBe(5);
    expect(agg.allRouteCalls(1, NOW, 'nobody_calls_this')).toBe(0);
    expect(overall(snap, 1).calls).toBe(4);
  });

  it('counts every ingested call in totalCalls', () => {
    expect(snap.totalCalls).toBe(6);
  });
});

describe('MetricsAggregator windows', () => {
  it('leaves calls older than a window out of it', () => {
    const agg = new MetricsAggregator();
    agg.ingestCall(call(NOW - 30_000));
    agg.ingestCall(call(NOW - 3 * MIN));
    agg.ingestCall(call(NOW - 10 * MIN));
    agg.ingestCall(call(NOW - 50 * MIN));
    const snap = agg.snapshot(NOW);
    expect([1, 5, 15, 60].map((w) => overall(snap, w as 1 | 5 | 15 | 60).calls)).toEqual([1, 2, 3, 4]);
  });

  it('ends windows at the last 10-second boundary, leaving the filling bucket for later', () => {
    const agg = new MetricsAggregator();
    agg.ingestCall(call(NOW - 61_000));
    agg.ingestCall(call(NOW + 4_000));
    const early = agg.snapshot(NOW + 5_000);
    expect(early.now).toBe(NOW);
    expect(overall(early, 1).calls).toBe(0);
    const later = agg.snapshot(NOW + 10_000);
    expect(overall(later, 1).calls).toBe(1);
  });

  it('gives null for ratios with nothing to divide by, and 0 for counts', () => {
    const agg = new MetricsAggregator();
    agg.ingestCall(call(NOW - 5_000 - 10_000, { route: 'fallback' }));
    const kpis = overall(agg.snapshot(NOW), 1).kpis;
    expect(kpis.callRate).toBe(1);
    expect(kpis.fallbackRate).toBe(1);
    for (const id of [
      'failedConnectionRate', 'toolSuccess', 'toolFailureRate', 'modelErrorRate', 'turnLatencyP50',
      'turnLatencyP95', 'timeToFirstWordP95', 'interruptionRate', 'taskCompletion', 'containment',
      'escalationCorrectness', 'agentErrorRate',
    ] as const) {
      expect(kpis[id], id).toBeNull();
    }
    expect([kpis.ttsFailures, kpis.piiEvents, kpis.policyViolations, kpis.injectionFlags]).toEqual([0, 0, 0, 0]);
    const empty = overall(new MetricsAggregator().snapshot(NOW), 5).kpis;
    expect(empty.fallbackRate).toBeNull();
    expect(empty.callRate).toBe(0);
  });

  it('gives the same result whatever order calls arrive in within the ring', () => {
    const calls = handWrittenCalls().concat([call(NOW - 40 * MIN, { turns: [agentTurn(0, 900)] })]);
    const inOrder = new MetricsAggregator();
    const reversed = new MetricsAggregator();
    // Both start observing at the same stream instant; only the arrival order differs.
    inOrder.snapshot(NOW - 60 * MIN);
    reversed.snapshot(NOW - 60 * MIN);
    ingestAll(inOrder, calls);
    ingestAll(reversed, [...calls].reverse());
    expect(reversed.snapshot(NOW).windows).toEqual(inOrder.snapshot(NOW).windows);
  });

  it('drops and counts calls whose bucket has left the ring', () => {
    const agg = new MetricsAggregator();
    agg.snapshot(NOW);
    agg.ingestCall(call(NOW - 5 * MIN));
    agg.ingestCall(call(NOW - 61 * MIN));
    agg.ingestCall(call(NOW - 59 * MIN));
    expect(agg.lateDropped).toBe(1);
    agg.ingestMetric(metric(NOW - 90 * MIN, 'tts.failures', 5));
    expect(agg.lateDropped).toBe(1);
    const snap = agg.snapshot(NOW);
    expect(overall(snap, 60).calls).toBe(2);
    expect(overall(snap, 60).kpis.ttsFailures).toBe(0);
    expect(snap.totalCalls).toBe(3);
  });

  it('evicts old buckets as stream time moves on', () => {
    const agg = new MetricsAggregator();
    agg.ingestCall(call(NOW - 30_000));
    expect(overall(agg.snapshot(NOW), 60).calls).toBe(1);
    expect(overall(agg.snapshot(NOW + 59 * MIN), 60).calls).toBe(1);
    expect(overall(agg.snapshot(NOW + 61 * MIN), 60).calls).toBe(0);
    agg.ingestCall(call(NOW - 20_000));
    expect(agg.lateDropped).toBe(1);
  });

  it('counts TTS failures from the calls alone, not again from the platform tts.failures figure', () => {
    const agg = new MetricsAggregator();
    const ttsError = { kind: 'tts' as const, message: 'voice timeout' };
    agg.ingestCall(call(NOW - 20_000, { intent: 'book_appointment', errors: [ttsError] }));
    agg.ingestMetric(metric(NOW - 15_000, 'tts.failures', 1, 'book_appointment'));
    agg.ingestMetric(metric(NOW - 15_000, 'tts.failures', 1));
    const snap = agg.snapshot(NOW);
    expect(overall(snap, 1).kpis.ttsFailures).toBe(1);
    expect(snap.windows[1].intents.book_appointment?.kpis.ttsFailures).toBe(1);
  });
});

describe('MetricsAggregator incomplete windows', () => {
  it('marks windows longer than the observed stretch incomplete', () => {
    const agg = new MetricsAggregator();
    agg.ingestCall(call(T0));
    const flags = (now: number) => [1, 5, 15, 60].map((w) => overall(agg.snapshot(now), w as 1).incomplete);
    expect(flags(T0 + 30_000)).toEqual([true, true, true, true]);
    expect(flags(T0 + MIN)).toEqual([false, true, true, true]);
    expect(flags(T0 + 15 * MIN)).toEqual([false, false, false, true]);
    expect(flags(T0 + 60 * MIN)).toEqual([false, false, false, false]);
  });

  it('marks windows overlapping a gap incomplete, and every scope with them', () => {
    const agg = new MetricsAggregator({ intents: ['order_status'] });
    agg.snapshot(T0);
    agg.markGap(T0 + 70 * MIN, T0 + 70 * MIN + 5_000);
    const at = (now: number) => agg.snapshot(now);
    const during = at(T0 + 71 * MIN);
    expect(overall(during, 1).incomplete).toBe(true);
    expect(during.windows[1].intents.order_status?.incomplete).toBe(true);
    expect(overall(during, 60).incomplete).toBe(true);
    const after = at(T0 + 71 * MIN + 10_000);
    expect(overall(after, 1).incomplete).toBe(false);
    expect(overall(after, 5).incomplete).toBe(true);
    expect(overall(at(T0 + 131 * MIN), 60).incomplete).toBe(false);
  });

  it('bounds the gap list by widening gaps, never by forgetting one inside the hour', () => {
    const agg = new MetricsAggregator();
    agg.snapshot(T0);
    for (let i = 0; i < 100; i++) agg.markGap(T0 + 61 * MIN + i * 30_000, T0 + 61 * MIN + i * 30_000 + 1_000);
    expect(agg.footprint.gaps).toBeLessThanOrEqual(32);
    // The first and the last gap are each still seen by the 1-minute window around them.
    expect(overall(agg.snapshot(T0 + 62 * MIN), 1).incomplete).toBe(true);
    expect(overall(agg.snapshot(T0 + 111 * MIN), 1).incomplete).toBe(true);
    expect(overall(agg.snapshot(T0 + 113 * MIN), 1).incomplete).toBe(false);
  });

  it('refuses a gap that ends before it starts', () => {
    expect(() => new MetricsAggregator().markGap(NOW, NOW - 1)).toThrow(/ends .* before it starts/);
    expect(() => new MetricsAggregator().markGap(Number.NaN, NOW)).toThrow(/finite/);
  });
});

describe('MetricsAggregator agentShareSince', () => {
  it('counts calls by start time, so calls in progress at a routing change do not count', () => {
    const agg = new MetricsAggregator();
    const change = NOW - 10 * MIN + 500;
    const started = (startMs: number, route: CallRecord['route']) =>
      call(startMs + 120_000, { startedAt: iso(startMs), route });
    // Before the change: all on the agent, one of them ending long after it.
    ingestAll(agg, [started(change - 60_000, 'agent'), started(change - 30_000, 'agent'), started(change - 200, 'agent')]);
    ingestAll(agg, [
      started(change + 500, 'agent'),
      started(change + 60_000, 'fallback'),
      started(change + 90_000, 'fallback'),
      started(change + 120_000, 'fallback'),
    ]);
    expect(agg.agentShareSince(change, NOW)).toEqual({ calls: 4, agent: 1, share: 0.25 });
    // Rounded up to the next whole second: the call started at change - 60 s (x.5 s) is left out.
    expect(agg.agentShareSince(change - 60_000, NOW)).toEqual({ calls: 6, agent: 3, share: 0.5 });
    expect(agg.agentShareSince(change - 60_500, NOW)).toEqual({ calls: 7, agent: 4, share: 4 / 7 });
    expect(agg.agentShareSince(NOW - 1_000, NOW)).toEqual({ calls: 0, agent: 0, share: null });
  });

  it('looks back no further than the last hour', () => {
    const agg = new MetricsAggregator();
    agg.ingestCall(call(NOW - 10 * MIN, { startedAt: iso(NOW - 70 * MIN) }));
    agg.ingestCall(call(NOW - 10 * MIN, { startedAt: iso(NOW - 30 * MIN) }));
    expect(agg.agentShareSince(NOW - 3 * 60 * MIN, NOW).calls).toBe(1);
  });
});

describe('MetricsAggregator series', () => {
  it('has one point per complete minute since the start, oldest first', () => {
    const agg = new MetricsAggregator();
    agg.ingestCall(call(T0, { turns: [agentTurn(0, 500)] }));
    agg.ingestCall(call(T0 + 20_000, { route: 'fallback' }));
    agg.ingestCall(call(T0 + 2 * MIN + 5_000, { route: 'human' }));
    const series = agg.snapshot(T0 + 3 * MIN + 30_000).series;
    expect(series.map((p) => p.t)).toEqual([T0, T0 + MIN, T0 + 2 * MIN]);
    expect(series.map((p) => p.callRate)).toEqual([2, 0, 1]);
    withinHistogramError(series[0]?.p95 ?? null, 500);
    expect(series.slice(1).map((p) => p.p95)).toEqual([null, null]);
  });

  it('leaves out the minute the console started in, which it saw only part of', () => {
    const agg = new MetricsAggregator();
    agg.ingestCall(call(T0 + 40_000));
    agg.ingestCall(call(T0 + MIN + 5_000));
    const series = agg.snapshot(T0 + 2 * MIN + 30_000).series;
    expect(series.map((p) => p.t)).toEqual([T0 + MIN]);
  });

  it('keeps the last 120 minutes only', () => {
    const agg = new MetricsAggregator();
    for (let m = 0; m < 300; m++) agg.ingestCall(call(T0 + m * MIN + 1_000));
    const series = agg.snapshot(T0 + 300 * MIN).series;
    expect(series).toHaveLength(120);
    expect(series[0]?.t).toBe(T0 + 180 * MIN);
    expect(series.at(-1)?.t).toBe(T0 + 299 * MIN);
    expect(series.every((p) => p.callRate === 1)).toBe(true);
  });
});

describe('MetricsAggregator intents', () => {
  it('caps intent scopes and counts the overflow as other', () => {
    const agg = new MetricsAggregator({ intents: ['a'], maxIntents: 2 });
    ingestAll(agg, ['b', 'c', 'd', 'b', 'a'].map((intent) => call(NOW - 30_000, { intent })));
    const intents = agg.snapshot(NOW).windows[1].intents;
    expect(Object.keys(intents).sort()).toEqual(['a', 'b', OVERFLOW_INTENT]);
    expect(intents.a?.calls).toBe(1);
    expect(intents.b?.calls).toBe(2);
    expect(intents[OVERFLOW_INTENT]?.calls).toBe(2);
  });

  it('rejects more configured intents than the cap, and a nonsensical cap', () => {
    expect(() => new MetricsAggregator({ intents: ['a', 'b', 'c'], maxIntents: 2 })).toThrow(/3 intents configured/);
    expect(() => new MetricsAggregator({ maxIntents: 0 })).toThrow(/maxIntents/);
  });

  it('names the call whose timestamp cannot be read', () => {
    const agg = new MetricsAggregator();
    expect(() => agg.ingestCall({ ...call(NOW), id: 'bad-1', endedAt: 'yesterday' })).toThrow(/call bad-1 endedAt/);
  });
});

describe('MetricsAggregator memory', () => {
  it('keeps its structures the same size through 200k calls over 48 hours', () => {
    const intents = ['book_appointment', 'order_status', 'billing_question', 'cancel_service', 'talk_to_human'];
    const agg = new MetricsAggregator({ intents, maxIntents: 8 });
    const total = 200_000;
    const spanMs = 48 * 60 * MIN;
    let seed = 1;
    const random = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
    const sizes = () => {
      const { scopes, buckets, histograms } = agg.footprint;
      return { scopes, buckets, histograms };
    };
    let afterFirstHour: ReturnType<typeof sizes> | undefined;
    for (let i = 0; i < total; i++) {
      const end = T0 + Math.floor((i / total) * spanMs);
      // Twelve intents against a cap of eight: the overflow scope must absorb the rest.
      const intent = random() < 0.9 ? (intents[i % intents.length] as string) : `novel_${Math.floor(random() * 7)}`;
      agg.ingestCall(
        call(end, {
          intent,
          route: random() < 0.9 ? 'agent' : 'fallback',
          turns: [agentTurn(0, 200 + random() * 2000), agentTurn(4000, 200 + random() * 2000)],
          toolCalls: [tool(random() < 0.97)],
        }),
      );
      if (i % 500 === 0) {
        agg.markGap(end - 1_000, end - 500);
        agg.snapshot(end);
      }
      if (end >= T0 + 60 * MIN && !afterFirstHour) afterFirstHour = sizes();
    }
    const final = agg.snapshot(T0 + spanMs);
    expect(afterFirstHour).toBeDefined();
    expect(sizes()).toEqual(afterFirstHour);
    // Overall + 8 intents + other; each scope a 361-bucket ring with two histograms per bucket,
    // plus the 121-minute series ring (one histogram each) and the 3601-second share ring.
    expect(agg.footprint.scopes).toBe(10);
    expect(agg.footprint.buckets).toBe(10 * 361 + 121 + 3601);
    expect(agg.footprint.histograms).toBe(10 * 361 * 2 + 121);
    expect(agg.footprint.gaps).toBeLessThanOrEqual(32);
    expect(final.series).toHaveLength(120);
    expect(final.totalCalls).toBe(total);
    expect(agg.lateDropped).toBe(0);
  });
});
