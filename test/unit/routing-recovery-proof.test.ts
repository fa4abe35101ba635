import { describe, expect, it } from 'vitest';
import type { ActionOutcome, NewCallCounts } from '../../shared/actions.js';
import { KPI_IDS, type KpiValues } from '../../shared/kpi.js';
import type { RoutingState } from '../../shared/protocol.js';
import { combinedOutcome } from '../../electron/core/routing/combined-outcome.js';
import { NewCallCounter } from '../../electron/core/routing/new-calls.js';
import { requestsFor } from '../../electron/core/routing/prepare-request.js';
import { API_V1_CAPABILITIES } from '../../electron/core/routing/provider.js';
import { recoveryPlan } from '../../electron/core/routing/recovery-plan.js';
import { RecoveryWatch } from '../../electron/core/routing/recovery-watch.js';

const T = Date.parse('2026-04-01T12:00:00.000Z');
const MIN = 60_000;
const none = Object.fromEntries(KPI_IDS.map((k) => [k, null])) as KpiValues;
const base: RoutingState = {
  version: 7,
  mode: 'live',
  agentShare: 100,
  agentVersion: 'v1.9.3',
  previousVersion: 'v2.0.0',
  intents: { order_status: 'agent', billing_question: 'agent' },
  updatedAt: new Date(T).toISOString(),
  updatedBy: 'dana',
};

function counts(agentVersions: Record<string, number>, targeted: NewCallCounts['targeted'] = null): NewCallCounts {
  const agent = Object.values(agentVersions).reduce((a, b) => a + b, 0);
  return { calls: agent, agent, agentVersions, targeted };
}

describe('a rollback is proven by the version of new calls, not by the agent taking them', () => {
  it('stays unconfirmed while new agent calls still run the version rolled back from', () => {
    const watch = new RecoveryWatch({ action: { action: 'rollback', operator: 'dana' }, after: base, kpis: [] });
    // Every new call went to the agent: the old check called that a confirmed rollback.
    let r = watch.update({ now: T + MIN, agentShare: { calls: 60, agent: 60 }, newCalls: counts({ 'v2.0.0': 60 }), kpis: none });
    expect(r.streamConfirmed).toBeNull();
    expect(r.streamText).toBe('Waiting for the stream: 0 of 60 new agent calls ran v1.9.3; 60 on v2.0.0 (expected v1.9.3)');
    r = watch.update({ now: T + 2 * MIN, agentShare: { calls: 120, agent: 120 }, newCalls: counts({ 'v1.9.3': 119, 'v2.0.0': 1 }), kpis: none });
    expect(r.streamConfirmed?.text).toBe('Stream confirms the change after 2 min: 119 of 120 new agent calls ran v1.9.3');
  });
});

describe('a paused ramp is proven by the share holding, not by one matching reading', () => {
  it('confirms only after the share held for the hold period', () => {
    const after: RoutingState = { ...base, mode: 'paused', agentShare: 25 };
    const watch = new RecoveryWatch({ action: { action: 'pause_ramp', operator: 'dana' }, after, kpis: [] });
    let r = watch.update({ now: T + 30_000, agentShare: { calls: 100, agent: 26 }, kpis: none });
    expect(r.streamConfirmed).toBeNull();
    expect(r.streamText).toBe('Waiting for the stream: the agent took 26% of 100 new calls (expected 25%); watching it hold for 2 min');
    r = watch.update({ now: T + 90_000, agentShare: { calls: 300, agent: 140 }, kpis: none });
    expect(r.streamText).toBe('Waiting for the stream: 140 of 300 new calls went to the agent (expected 25%)');
    r = watch.update({ now: T + 3 * MIN, agentShare: { calls: 600, agent: 153 }, kpis: none });
    expect(r.streamConfirmed?.text).toBe(
      "Stream confirms the change after 3 min: the agent's share held over 3 min: the agent took 25.5% of 600 new calls (expected 25%)",
    );
  });
});

describe('a route of some intents is proven by those intents only', () => {
  it('sends order status to the human line: every new order status call must go there', () => {
    const after: RoutingState = { ...base, intents: { order_status: 'human', billing_question: 'agent' } };
    const watch = new RecoveryWatch({ action: { action: 'route_human', intents: ['order_status'], operator: 'dana' }, after, kpis: [] });
    let r = watch.update({ now: T + MIN, agentShare: { calls: 40, agent: 28 }, newCalls: counts({ 'v1.9.3': 28 }, { agent: 2, fallback: 0, human: 12 }), kpis: none });
    expect(r.streamText).toBe(
      'Waiting for the stream: 12 of 14 new order status calls went to the human line, 2 to the agent (expected all to the human line)',
    );
    const fresh = new RecoveryWatch({ action: { action: 'route_human', intents: ['order_status'], operator: 'dana' }, after, kpis: [] });
    r = fresh.update({ now: T + MIN, agentShare: { calls: 40, agent: 28 }, newCalls: counts({ 'v1.9.3': 28 }, { agent: 0, fallback: 0, human: 12 }), kpis: none });
    expect(r.streamConfirmed?.text).toBe('Stream confirms the change after 1 min: all 12 new order status calls went to the human line');
  });

  it('counts calls that started after the change, by route and version, for the moved intents', () => {
    const counter = new NewCallCounter(T, new Set(['order_status']));
    counter.add({ startedAt: T - 1, intent: 'order_status', route: 'agent', agentVersion: 'v2.0.0' });
    counter.add({ startedAt: T, intent: 'order_status', route: 'human', agentVersion: 'v1.9.3' });
    counter.add({ startedAt: T + 5, intent: 'billing_question', route: 'agent', agentVersion: 'v1.9.3' });
    expect(counter.snapshot()).toEqual({ calls: 2, agent: 1, agentVersions: { 'v1.9.3': 1 }, targeted: { agent: 0, fallback: 0, human: 1 } });
  });
});

describe('recovery is reported only for KPIs that were out of target at the action', () => {
  it('follows the KPIs beyond target then, and says the others had nothing to recover', () => {
    const plan = recoveryPlan({ action: 'rollback', operator: 'dana' }, base, undefined, ['turnLatencyP95']);
    expect(plan.kpis).toEqual(['turnLatencyP95']);
    expect(plan.note).toBe('Within target when the action was taken, so nothing to recover: Task completion, Agent-caused error rate.');
    const watch = new RecoveryWatch({ action: { action: 'rollback', operator: 'dana' }, after: base, kpis: plan.kpis });
    const r = watch.update({ now: T + 1000, agentShare: { calls: 0, agent: 0 }, kpis: { ...none, turnLatencyP95: 900, taskCompletion: 0.9 } });
    expect(r.kpis.map((k) => k.kpi)).toEqual(['turnLatencyP95']);
  });

  it('a pause is proven by its share, not by KPIs it cannot fix', () => {
    expect(recoveryPlan({ action: 'pause_ramp', operator: 'dana' }, base, ['turnLatencyP95'], ['turnLatencyP95']).kpis).toEqual([]);
  });
});

describe('one confirm, several provider actions', () => {
  it('is a route then a pause, each its own request', () => {
    const reqs = requestsFor({ action: 'route_fallback', intents: ['order_status'], pauseRamp: true }, 'dana', ['order_status', 'billing_question'], API_V1_CAPABILITIES);
    expect(reqs).toEqual([
      { action: 'route_fallback', intents: ['order_status'], operator: 'dana' },
      { action: 'pause_ramp', operator: 'dana' },
    ]);
  });

  it('refuses intents on a provider that cannot route by intent, and actions it cannot do', () => {
    const phoneNumbers = { actions: API_V1_CAPABILITIES.actions.filter((a) => a !== 'route_human'), intentScoped: false, name: 'the Twilio numbers' };
    expect(() => requestsFor({ action: 'route_fallback', intents: ['order_status'] }, 'dana', ['order_status'], phoneNumbers)).toThrowError(
      /^intents: the Twilio numbers cannot route order status alone: it does not know a call's intent when the call arrives/,
    );
    expect(() => requestsFor({ action: 'route_human' }, 'dana', ['order_status'], phoneNumbers)).toThrowError(
      'action: the Twilio numbers cannot "Send to humans"; use the runbook\'s manual steps instead',
    );
    expect(requestsFor({ action: 'route_fallback' }, 'dana', ['order_status'], phoneNumbers)).toEqual([{ action: 'route_fallback', operator: 'dana' }]);
  });

  it('says which part held', () => {
    const part = (action: 'route_fallback' | 'pause_ramp', status: ActionOutcome['status']): ActionOutcome => ({
      intentId: `i-${action}`,
      idempotencyKey: `k-${action}`,
      request: action === 'route_fallback' ? { action, intents: ['order_status'], operator: 'dana' } : { action, operator: 'dana' },
      status,
      sent: true,
      applied: status === 'verified' ? 'yes' : 'no',
      attempts: 1,
      elapsedMs: 10,
      knownText: status === 'verified' ? 'Applied, verified by read-back in 10 ms' : 'Not applied: refused (409)',
      runbook: status === 'verified' ? [] : ['Pause the ramp by hand'],
    });
    const both = combinedOutcome([part('route_fallback', 'verified'), part('pause_ramp', 'verified')]);
    expect(both.status).toBe('verified');
    expect(both.knownText).toMatch(/^Both held: Route order status to fallback and Pause ramp\./);
    const half = combinedOutcome([part('route_fallback', 'verified'), part('pause_ramp', 'failed')]);
    expect(half).toMatchObject({ status: 'unverified', applied: 'unknown', runbook: ['Pause the ramp by hand'], intentId: 'i-route_fallback' });
    expect(half.knownText).toBe(
      'Route order status to fallback held; Pause ramp did NOT. Route order status to fallback: Verified. Applied, verified by read-back in 10 ms Pause ramp: FAILED. Not applied: refused (409)',
    );
    expect(half.parts?.map((p) => p.idempotencyKey)).toEqual(['k-route_fallback', 'k-pause_ramp']);
  });
});
