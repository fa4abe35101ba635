import { describe, expect, it } from 'vitest';
import { RoutingStateSchema, type RoutingActionRequest } from '../../shared/protocol.js';
import { RoutingActionError, applyRoutingAction, decideRoute, initialRoutingState } from '../../sim/routing-state.js';

const T0 = Date.UTC(2026, 2, 1, 9);
const INTENTS = ['billing', 'orders', 'support'];
const start = initialRoutingState({ intents: INTENTS, agentShare: 25, agentVersion: 'v2', previousVersion: 'v1', now: T0 });
const act = (req: Omit<RoutingActionRequest, 'operator'>, state = start, now = T0 + 1000) =>
  applyRoutingAction(state, { operator: 'ana', ...req }, now);

describe('routing state', () => {
  it('starts live with every intent on the agent', () => {
    expect(RoutingStateSchema.parse(start)).toEqual(start);
    expect(start).toMatchObject({ version: 0, mode: 'live', agentShare: 25, intents: { billing: 'agent', orders: 'agent', support: 'agent' } });
  });

  it('stamps every action with a new version, the time and the operator', () => {
    const s = act({ action: 'pause_ramp' });
    expect(s).toMatchObject({ version: 1, mode: 'paused', agentShare: 25, updatedBy: 'ana', updatedAt: new Date(T0 + 1000).toISOString() });
    expect(start.version).toBe(0);
  });

  it('routes named intents to the fallback, and the whole mode when all are', () => {
    const one = act({ action: 'route_fallback', intents: ['orders'] });
    expect(one.intents).toEqual({ billing: 'agent', orders: 'fallback', support: 'agent' });
    expect(one.mode).toBe('live');
    const all = act({ action: 'route_fallback' });
    expect(all.mode).toBe('fallback');
    expect(Object.values(all.intents)).toEqual(['fallback', 'fallback', 'fallback']);
  });

  it('refuses unknown intents and a share-less set_share with a message naming the field', () => {
    expect(() => act({ action: 'route_fallback', intents: ['nope'] })).toThrowError(/^intents: unknown intent 'nope'/);
    expect(() => act({ action: 'set_share' })).toThrowError(RoutingActionError);
    expect(() => act({ action: 'set_share' })).toThrowError(/^share: required/);
  });

  it('stops everything to humans, and resume brings the agent back at the same share', () => {
    const stopped = act({ action: 'stop_all' });
    expect(stopped.mode).toBe('stopped');
    expect(Object.values(stopped.intents)).toEqual(['human', 'human', 'human']);
    const resumed = act({ action: 'resume' }, stopped);
    expect(resumed).toMatchObject({ mode: 'live', agentShare: 25, version: 2 });
    expect(Object.values(resumed.intents)).toEqual(['agent', 'agent', 'agent']);
  });

  it('rolls back to the previous version, and a second rollback swaps back', () => {
    const once = act({ action: 'rollback' }, act({ action: 'route_fallback', intents: ['billing'] }));
    expect(once).toMatchObject({ agentVersion: 'v1', previousVersion: 'v2', mode: 'live' });
    expect(once.intents.billing).toBe('agent');
    expect(act({ action: 'rollback' }, once)).toMatchObject({ agentVersion: 'v2', previousVersion: 'v1' });
    const noPrevious = { ...start, previousVersion: null };
    expect(() => act({ action: 'rollback' }, noPrevious)).toThrowError(/no previous version/);
  });

  it('sets the share, also while paused', () => {
    expect(act({ action: 'set_share', share: 60 }, act({ action: 'pause_ramp' }))).toMatchObject({ agentShare: 60, mode: 'paused' });
  });
});

describe('route decision for a new call', () => {
  it('follows the share, the intent map and a stop', () => {
    expect(decideRoute(start, 'billing', 0.2)).toBe('agent');
    expect(decideRoute(start, 'billing', 0.3)).toBe('human');
    const fallback = act({ action: 'route_fallback', intents: ['billing'] });
    expect(decideRoute(fallback, 'billing', 0)).toBe('fallback');
    expect(decideRoute(fallback, 'orders', 0)).toBe('agent');
    expect(decideRoute(act({ action: 'stop_all' }), 'orders', 0)).toBe('human');
    expect(decideRoute(act({ action: 'set_share', share: 0 }), 'orders', 0)).toBe('human');
  });
});
