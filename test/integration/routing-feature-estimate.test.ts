import { describe, expect, it } from 'vitest';
import type { CallRecord, Route } from '../../shared/protocol.js';
import { InProgressEstimator } from '../../electron/core/routing/in-progress-estimate.js';
import { callRecord, isoAt } from '../support/call-record.js';

/** Little's law on the calls the stream reports once they end: rate x mean duration. */

const T0 = Date.UTC(2026, 3, 1, 8);

function call(i: number, endedAt: number, durationMs: number, route: Route): CallRecord {
  return callRecord({ id: `c${i}`, startedAt: isoAt(endedAt - durationMs), endedAt: isoAt(endedAt), route });
}

describe('InProgressEstimator', () => {
  it('multiplies the agent call rate over five minutes by the mean agent call duration', () => {
    const est = new InProgressEstimator(['order_status']);
    // Two agent calls a second of 90 s each, and one human call a second that must not count.
    for (let s = 0; s < 600; s++) {
      est.onCall(call(2 * s, T0 + s * 1000, 90_000, 'agent'));
      est.onCall(call(2 * s + 1, T0 + s * 1000 + 500, 90_000, 'agent'));
      est.onCall(call(-s, T0 + s * 1000, 400_000, 'human'));
    }
    expect(est.estimate(T0 + 600_000)?.calls).toBe(180);
  });

  it('is unknown without calls, and zero once only other routes end calls', () => {
    const est = new InProgressEstimator(['order_status']);
    expect(est.estimate(null)).toBeNull();
    expect(est.estimate(T0)).toBeNull();
    for (let s = 0; s < 60; s++) est.onCall(call(s, T0 + s * 1000, 60_000, 'agent'));
    expect(est.estimate(T0 + 60_000)?.calls).toBe(12);
    for (let s = 60; s < 700; s++) est.onCall(call(s, T0 + s * 1000, 60_000, 'human'));
    expect(est.estimate(T0 + 700_000)?.calls).toBe(0);
    // Nothing at all in the last five minutes of stream time: unknown again, not zero.
    expect(est.estimate(T0 + 2 * 3_600_000)).toBeNull();
  });
});
