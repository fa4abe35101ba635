import { describe, expect, it } from 'vitest';
import { MetricsAggregator } from '../../electron/core/metrics/aggregator.js';
import { HISTOGRAM_RELATIVE_ERROR } from '../../electron/core/metrics/histogram.js';
import { KPI_IDS, type KpiId } from '../../shared/kpi.js';
import type { CallRecord, Turn } from '../../shared/protocol.js';
import { callRecord, isoAt } from '../support/call-record.js';

/**
 * Every KPI of the catalogue against figures worked out by hand from one fixed minute of calls.
 * The expected values are written out as numbers, not computed, so a change to a definition
 * shows up here as a different number rather than passing along with the code.
 */

const NOW = Date.UTC(2026, 3, 1, 9, 0, 0);
const agent = (startMs: number, latencyMs: number, interrupted = false): Turn => ({
  speaker: 'agent',
  text: 'ok',
  startMs,
  endMs: startMs + 500,
  latencyMs,
  interrupted,
});
const caller = (startMs: number): Turn => ({ speaker: 'caller', text: 'hi', startMs, endMs: startMs + 400, sttConfidence: 0.9 });
const tool = (ok: boolean) => ({ name: 'crm.lookup', ok, latencyMs: 100 });

function call(n: number, over: Partial<CallRecord>): CallRecord {
  const endedAt = NOW - 5_000 * n;
  return callRecord({ id: `k${n}`, startedAt: isoAt(endedAt - 60_000), endedAt: isoAt(endedAt), ...over });
}

/** Six agent calls (five connected), one fallback and one human call, all in the last minute. */
const CALLS: CallRecord[] = [
  call(1, { turns: [caller(0), agent(1000, 300), caller(2000), agent(3000, 500, true)], toolCalls: [tool(true), tool(true)] }),
  call(2, {
    outcome: 'escalated',
    turns: [agent(500, 900)],
    toolCalls: [tool(true), tool(false)],
    errors: [{ kind: 'model', message: 'upstream 500' }],
    escalation: { requested: true, transferred: true, contextPreserved: true },
  }),
  call(3, {
    outcome: 'abandoned',
    turns: [agent(3000, 700), agent(500, 1500, true)],
    errors: [
      { kind: 'tts', message: 'voice timeout' },
      { kind: 'tts', message: 'voice timeout' },
    ],
    safety: { pii: 2, policy: 0, injection: 0 },
  }),
  call(4, { connected: false, outcome: 'failed', errors: [{ kind: 'timeout', message: 'no answer' }] }),
  call(5, { turns: [agent(400, 1100)], toolCalls: [tool(false)], safety: { pii: 0, policy: 1, injection: 1 } }),
  call(6, {
    outcome: 'escalated',
    turns: [agent(600, 2500)],
    escalation: { requested: true, transferred: false, contextPreserved: false },
  }),
  // Not the agent's calls: only the call rate and the fallback rate see them.
  call(7, {
    route: 'fallback',
    turns: [agent(0, 9000, true)],
    toolCalls: [tool(false)],
    errors: [{ kind: 'tts', message: 'x' }],
    safety: { pii: 5, policy: 5, injection: 5 },
  }),
  call(8, { route: 'human', outcome: 'escalated' }),
];

/** By hand, over the 1-minute window. Exact ratios are written as decimals to 7 places. */
const EXPECTED: Record<KpiId, number> = {
  callRate: 8, // 8 calls of every route in 1 minute
  failedConnectionRate: 0.1666667, // 1 of 6 agent calls never connected
  toolSuccess: 0.6, // 3 of 5 tool calls ok
  toolFailureRate: 0.4, // 2 of 5
  modelErrorRate: 0.1666667, // 1 of 6 agent calls had a model error
  ttsFailures: 2, // call 3's two tts errors; call 7 is a fallback call
  turnLatencyP50: 900, // 300 500 700 900 1100 1500 2500: the 4th of 7
  turnLatencyP95: 2500, // the 7th of 7 (ceil(0.95 * 7))
  timeToFirstWordP95: 2500, // first agent turn by start: 300 900 1500 1100 2500, the 5th of 5
  interruptionRate: 0.2857143, // 2 of 7 agent turns
  fallbackRate: 0.125, // 1 of 8 calls
  taskCompletion: 0.4, // 2 completed of 5 connected
  containment: 0.6, // 3 of 5 connected were not escalated
  escalationCorrectness: 0.5, // 1 of 2 escalations transferred with context
  agentErrorRate: 0.5, // 3 of 6 agent calls had an error of any kind
  piiEvents: 2,
  policyViolations: 1,
  injectionFlags: 1,
};

const PERCENTILES: ReadonlySet<KpiId> = new Set(['turnLatencyP50', 'turnLatencyP95', 'timeToFirstWordP95']);

describe('KPI definitions on a fixed minute of calls', () => {
  const agg = new MetricsAggregator({ intents: ['order_status'] });
  for (const c of CALLS) agg.ingestCall(c);
  const window = agg.snapshot(NOW).windows[1].overall;

  it('has a hand-worked figure for every KPI of the catalogue', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual([...KPI_IDS].sort());
  });

  for (const id of KPI_IDS) {
    it(`${id} matches the figure worked out by hand`, () => {
      const actual = window.kpis[id];
      const expected = EXPECTED[id];
      expect(actual).not.toBeNull();
      if (PERCENTILES.has(id)) {
        // The latency histogram's bins are 2% wide: the estimate shares a bin with the true value.
        expect(Math.abs((actual as number) - expected) / expected).toBeLessThan(HISTOGRAM_RELATIVE_ERROR);
      } else {
        expect(actual).toBeCloseTo(expected, 6);
      }
    });
  }

  it('counts the samples behind the ratios the same way', () => {
    expect(window).toMatchObject({ allCalls: 8, calls: 6, connected: 5, agentTurns: 7, toolCalls: 5, escalations: 2 });
  });
});
