import { describe, expect, it } from 'vitest';
import type { InProgressEstimate } from '../../shared/actions.js';
import type { RoutingState } from '../../shared/protocol.js';
import { describeEffect } from '../../electron/core/routing/effect-text.js';

const state: RoutingState = {
  version: 1,
  mode: 'live',
  agentShare: 25,
  agentVersion: 'v2.0.0',
  previousVersion: 'v1.9.3',
  intents: { book_appointment: 'agent', order_status: 'agent' },
  updatedAt: '2025-01-01T10:00:00.000Z',
  updatedBy: 'system',
};
const op = 'ana';
const B = ' (estimated from the stream)';
/** An in-progress estimate as the console works it out; the wording of its basis is tested with the estimator. */
const about = (calls: number): InProgressEstimate => ({ calls, intents: null, basis: 'estimated from the stream', staleForMs: null });

describe('describeEffect', () => {
  it('stop_all: humans take new calls, calls in progress finish with the agent', () => {
    expect(describeEffect({ action: 'stop_all', operator: op }, state, about(37))).toEqual({
      title: 'Stop all agent traffic',
      newCalls: 'New calls go to human agents',
      inProgress: `About 37 calls in progress finish with the agent${B}`,
    });
  });

  it('words the estimate in the singular, zero and unknown', () => {
    expect(describeEffect({ action: 'stop_all', operator: op }, state, about(1)).inProgress).toBe(`About 1 call in progress finishes with the agent${B}`);
    expect(describeEffect({ action: 'stop_all', operator: op }, state, about(0)).inProgress).toBe(`Probably no calls in progress right now${B}`);
    expect(describeEffect({ action: 'stop_all', operator: op }, state, null).inProgress).toBe(
      'Calls already in progress (number unknown) finish with the agent',
    );
    expect(describeEffect({ action: 'set_share', share: 50, operator: op }, state, about(1)).inProgress).toBe(
      `About 1 call in progress keeps its current route${B}`,
    );
    expect(describeEffect({ action: 'pause_ramp', operator: op }, state, about(2)).inProgress).toBe(`About 2 calls in progress are not affected${B}`);
  });

  it('names the intents of a partial fallback, and says when it covers all', () => {
    const some = describeEffect({ action: 'route_fallback', intents: ['order_status'], operator: op }, state, about(3));
    expect(some.title).toBe('Route order status to fallback');
    expect(some.newCalls).toBe('New order status calls go to the fallback flow; other intents are unchanged');
    const two = describeEffect({ action: 'route_fallback', intents: ['a_b', 'c', 'd'], operator: op }, null, about(3));
    expect(two.title).toBe('Route a b, c and d to fallback');
    expect(describeEffect({ action: 'route_fallback', operator: op }, state, about(3)).newCalls).toBe('All new calls go to the fallback flow');
    expect(
      describeEffect({ action: 'route_fallback', intents: ['book_appointment', 'order_status'], operator: op }, state, about(3)).title,
    ).toBe('Route all intents to fallback');
  });

  it('rollback names both versions when known', () => {
    const e = describeEffect({ action: 'rollback', operator: op }, state, about(4));
    expect(e.title).toBe('Roll back to v1.9.3');
    expect(e.newCalls).toBe('New calls are handled by v1.9.3 instead of v2.0.0');
    expect(e.inProgress).toBe(`About 4 calls in progress finish on v2.0.0${B}`);
    expect(describeEffect({ action: 'rollback', operator: op }, null, null).title).toBe('Roll back to the previous agent version');
  });

  it('share changes quote the current and the new share', () => {
    expect(describeEffect({ action: 'set_share', share: 50, operator: op }, state, about(0)).newCalls).toBe(
      'The agent takes 50% of new calls (now 25%)',
    );
    expect(describeEffect({ action: 'pause_ramp', operator: op }, state, about(0)).newCalls).toBe(
      'The agent keeps taking 25% of new calls; the share stops increasing',
    );
    expect(describeEffect({ action: 'resume', operator: op }, state, about(0)).newCalls).toBe(
      'Every intent goes back to the agent, which takes 25% of new calls',
    );
  });
});
