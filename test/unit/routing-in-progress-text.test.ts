import { describe, expect, it } from 'vitest';
import type { CallRecord, Route, RoutingState } from '../../shared/protocol.js';
import { describeEffect } from '../../electron/core/routing/effect-text.js';
import { describeEstimate, InProgressEstimator } from '../../electron/core/routing/in-progress-estimate.js';
import { callRecord, isoAt } from '../support/call-record.js';

/** The in-progress figure is an estimate: worded as one, with its basis, for the intents an action touches, stale with the stream. */

const T0 = Date.UTC(2026, 3, 1, 8);
const state: RoutingState = {
  version: 1,
  mode: 'live',
  agentShare: 100,
  agentVersion: 'v2',
  previousVersion: 'v1',
  intents: { order_status: 'agent', billing: 'agent' },
  updatedAt: new Date(T0).toISOString(),
  updatedBy: 'system',
};

function call(i: number, intent: string, endedAt: number, durationMs: number, route: Route = 'agent'): CallRecord {
  return callRecord({ id: `c${i}`, intent, startedAt: isoAt(endedAt - durationMs), endedAt: isoAt(endedAt), route });
}

/** One order_status call a second of 60 s, and one billing call every 2 s of 120 s: 60 and 60 in progress. */
function estimator(): InProgressEstimator {
  const est = new InProgressEstimator(['order_status', 'billing']);
  for (let s = 0; s < 600; s++) {
    est.onCall(call(s, 'order_status', T0 + s * 1000, 60_000));
    if (s % 2 === 0) est.onCall(call(10_000 + s, 'billing', T0 + s * 1000, 120_000));
  }
  return est;
}

describe('the in-progress estimate', () => {
  it('counts only the intents a partial fallback touches', () => {
    const est = estimator();
    expect(est.estimate(T0 + 600_000, ['order_status'])?.calls).toBe(60);
    expect(est.estimate(T0 + 600_000, ['billing'])?.calls).toBe(60);
    expect(est.estimate(T0 + 600_000)?.calls).toBe(120);
  });

  it('is worded as an estimate with its basis, never as a count', () => {
    const est = estimator();
    const some = describeEstimate(est.estimate(T0 + 600_000, ['order_status']), ['order_status'], null);
    const text = describeEffect({ action: 'route_fallback', intents: ['order_status'], operator: 'ana' }, state, some).inProgress;
    expect(text).toBe(
      'About 60 order status calls in progress finish with the agent (estimated from 300 agent order status calls that ended in the last 5 min of the stream, lasting 1 min on average)',
    );
    const all = describeEstimate(est.estimate(T0 + 600_000), null, null);
    expect(describeEffect({ action: 'stop_all', operator: 'ana' }, state, all).inProgress).toMatch(/^About 120 calls in progress finish with the agent \(estimated from 450 agent calls/);
  });

  it('is marked stale with the stream', () => {
    const stale = describeEstimate(estimator().estimate(T0 + 600_000), null, 95_000);
    expect(describeEffect({ action: 'pause_ramp', operator: 'ana' }, state, stale).inProgress).toMatch(
      /^About 120 calls in progress are not affected \(STALE, as of 1 min 35 s ago when the stream was last live; estimated from/,
    );
  });

  it('says "probably none" rather than "none" when no agent call ended lately', () => {
    const est = new InProgressEstimator(['order_status']);
    for (let s = 0; s < 60; s++) est.onCall(call(s, 'order_status', T0 + s * 1000, 60_000, 'human'));
    const none = describeEstimate(est.estimate(T0 + 60_000), null, null);
    expect(describeEffect({ action: 'stop_all', operator: 'ana' }, state, none).inProgress).toBe(
      'Probably no calls in progress right now (estimated from the stream: no agent calls ended in the last 5 min)',
    );
  });
});
