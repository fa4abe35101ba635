import { describe, expect, it } from 'vitest';
import type { RoutingActionRequest, RoutingState } from '../../shared/protocol.js';
import { expectedStateHolds } from '../../electron/core/routing/expected-state.js';

const live: RoutingState = {
  version: 3,
  mode: 'live',
  agentShare: 25,
  agentVersion: 'v2.0.0',
  previousVersion: 'v1.9.3',
  intents: { book_appointment: 'agent', order_status: 'agent', billing_question: 'agent' },
  updatedAt: '2025-01-01T10:00:00.000Z',
  updatedBy: 'system',
};
const req = (action: RoutingActionRequest['action'], extra: Partial<RoutingActionRequest> = {}): RoutingActionRequest => ({
  action,
  operator: 'ana',
  ...extra,
});

describe('expectedStateHolds', () => {
  it('stop_all needs mode stopped', () => {
    expect(expectedStateHolds(req('stop_all'), live, { ...live, mode: 'stopped' })).toBe(true);
    expect(expectedStateHolds(req('stop_all'), live, { ...live, mode: 'paused' })).toBe(false);
  });

  it('pause_ramp needs paused and resume needs live', () => {
    expect(expectedStateHolds(req('pause_ramp'), live, { ...live, mode: 'paused' })).toBe(true);
    expect(expectedStateHolds(req('pause_ramp'), live, live)).toBe(false);
    expect(expectedStateHolds(req('resume'), null, live)).toBe(true);
    expect(expectedStateHolds(req('resume'), null, { ...live, mode: 'stopped' })).toBe(false);
  });

  it('set_share needs exactly the requested share', () => {
    expect(expectedStateHolds(req('set_share', { share: 50 }), live, { ...live, agentShare: 50 })).toBe(true);
    expect(expectedStateHolds(req('set_share', { share: 50 }), live, live)).toBe(false);
    expect(expectedStateHolds(req('set_share'), live, live)).toBe(false);
  });

  it('route_fallback checks the named intents, or every intent when none are named', () => {
    const one = { ...live, intents: { ...live.intents, order_status: 'fallback' as const } };
    expect(expectedStateHolds(req('route_fallback', { intents: ['order_status'] }), live, one)).toBe(true);
    expect(expectedStateHolds(req('route_fallback', { intents: ['book_appointment'] }), live, one)).toBe(false);
    expect(expectedStateHolds(req('route_fallback'), live, one)).toBe(false);
    const all = {
      ...live,
      mode: 'fallback' as const,
      intents: { book_appointment: 'fallback' as const, order_status: 'fallback' as const, billing_question: 'fallback' as const },
    };
    expect(expectedStateHolds(req('route_fallback'), live, all)).toBe(true);
    expect(expectedStateHolds(req('route_fallback', { intents: [] }), live, all)).toBe(true);
  });

  it('rollback needs the version that was previous before the action', () => {
    const rolled = { ...live, agentVersion: 'v1.9.3', previousVersion: 'v2.0.0' };
    expect(expectedStateHolds(req('rollback'), live, rolled)).toBe(true);
    expect(expectedStateHolds(req('rollback'), live, live)).toBe(false);
    // Rolling back twice swaps back: checked against what was previous at the time.
    expect(expectedStateHolds(req('rollback'), rolled, live)).toBe(true);
    expect(expectedStateHolds(req('rollback'), { ...live, previousVersion: null }, live)).toBe(false);
  });

  it('an unknown before state cannot verify a rollback', () => {
    expect(expectedStateHolds(req('rollback'), null, { ...live, agentVersion: 'v1.9.3', previousVersion: 'v2.0.0' })).toBe(false);
  });
});
