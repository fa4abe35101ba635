import { describe, expect, it } from 'vitest';
import type { ActionIntent, ActionOutcome } from '../../shared/actions.js';
import type { RoutingActionRequest, RoutingState } from '../../shared/protocol.js';
import { decisionKey, RecentDecisions } from '../../electron/core/routing/same-decision.js';

const state = (version: number): RoutingState => ({
  version,
  mode: 'live',
  agentShare: 100,
  agentVersion: 'v2',
  previousVersion: 'v1',
  intents: { billing: 'agent', orders: 'agent' },
  updatedAt: '2026-04-01T08:00:00.000Z',
  updatedBy: 'system',
});

let n = 0;
function intent(req: Omit<RoutingActionRequest, 'operator'> & { operator?: string }, before?: RoutingState): ActionIntent {
  n += 1;
  return { id: `i${n}`, idempotencyKey: `k${n}`, req: { operator: 'Ana', ...req }, createdAt: 0, ...(before ? { before } : {}) };
}

function outcome(over: Partial<ActionOutcome> = {}): ActionOutcome {
  return {
    intentId: 'i0',
    idempotencyKey: 'k0',
    request: { action: 'stop_all', operator: 'Ana' },
    status: 'verified',
    sent: true,
    applied: 'yes',
    attempts: 1,
    elapsedMs: 10,
    knownText: 'Applied',
    runbook: [],
    readBack: state(8),
    ...over,
  };
}

describe('decisionKey: what makes two confirms the same decision', () => {
  it('ignores who asked, why, and the order the intents were named in', () => {
    const a = decisionKey([intent({ action: 'route_fallback', intents: ['orders', 'billing'], reason: 'x' }, state(7))]);
    const b = decisionKey([intent({ action: 'route_fallback', intents: ['billing', 'orders', 'billing'], operator: 'Ben' }, state(7))]);
    expect(a).toBe(b);
  });

  it('tells apart another action, intents, share, the ramp pause and the state seen', () => {
    const keys = [
      [intent({ action: 'route_fallback', intents: ['orders'] }, state(7))],
      [intent({ action: 'route_human', intents: ['orders'] }, state(7))],
      [intent({ action: 'route_fallback', intents: ['billing'] }, state(7))],
      [intent({ action: 'route_fallback' }, state(7))],
      [intent({ action: 'route_fallback', intents: ['orders'] }, state(8))],
      [intent({ action: 'route_fallback', intents: ['orders'] })],
      [intent({ action: 'route_fallback', intents: ['orders'] }, state(7)), intent({ action: 'pause_ramp' }, state(7))],
      [intent({ action: 'set_share', share: 20 }, state(7))],
      [intent({ action: 'set_share', share: 30 }, state(7))],
    ].map(decisionKey);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('RecentDecisions.joinable', () => {
  const key = decisionKey([intent({ action: 'stop_all' }, state(7))]);
  const settle = () => new Promise((r) => setTimeout(r, 0));

  function sent(decisions: RecentDecisions, final: Promise<ActionOutcome>) {
    decisions.sent(key, { intentId: 'i0', operator: 'Ana', told: final }, final, 7);
  }

  it('joins while under way, whenever the confirm was opened', async () => {
    const d = new RecentDecisions();
    const early = d.stamp();
    sent(d, new Promise(() => {}));
    const late = d.stamp();
    expect(d.joinable(key, early, 7)?.intentId).toBe('i0');
    expect(d.joinable(key, late, 7)?.intentId).toBe('i0');
    expect(d.joinable('another decision', early, 7)).toBeNull();
  });

  it('once settled: joins a confirm opened before, while the routing is as the outcome left it', async () => {
    const d = new RecentDecisions();
    const before = d.stamp();
    sent(d, Promise.resolve(outcome()));
    await settle();
    const after = d.stamp();
    expect(d.joinable(key, before, 8)?.final?.status).toBe('verified');
    expect(d.joinable(key, before, 9)).toBeNull();
    expect(d.joinable(key, before, null)).toBeNull();
    expect(d.joinable(key, after, 8)).toBeNull();
  });

  it('once settled as not applied, a confirm pressed after it gets its own attempt', async () => {
    const d = new RecentDecisions();
    const before = d.stamp();
    sent(d, Promise.resolve(outcome({ status: 'failed', applied: 'no', sent: false, readBack: undefined })));
    await settle();
    expect(d.joinable(key, before, 7)).toBeNull();
  });

  it('once settled unverified with no read-back, joins while the routing is still at the version both saw', async () => {
    const d = new RecentDecisions();
    const before = d.stamp();
    sent(d, Promise.resolve(outcome({ status: 'unverified', applied: 'unknown', readBack: undefined })));
    await settle();
    expect(d.joinable(key, before, 7)?.intentId).toBe('i0');
    expect(d.joinable(key, before, 8)).toBeNull();
  });

  it('keeps only recent decisions', () => {
    const d = new RecentDecisions();
    const opened = d.stamp();
    sent(d, new Promise(() => {}));
    for (let i = 0; i < 16; i++) d.sent(`other ${i}`, { intentId: `o${i}`, operator: 'Ben', told: new Promise(() => {}) }, new Promise(() => {}), 7);
    expect(d.joinable(key, opened, 7)).toBeNull();
  });
});
