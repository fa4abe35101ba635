import { describe, expect, it } from 'vitest';
import { KPI_IDS, type KpiValues } from '../../shared/kpi.js';
import type { RoutingState } from '../../shared/protocol.js';
import { RecoveryWatch } from '../../electron/core/routing/recovery-watch.js';

const T = Date.parse('2025-03-01T12:00:00.000Z');
const MIN = 60_000;

function kpis(values: Partial<KpiValues>): KpiValues {
  const all = Object.fromEntries(KPI_IDS.map((k) => [k, null])) as KpiValues;
  return { ...all, ...values };
}

const base: RoutingState = {
  version: 4,
  mode: 'live',
  agentShare: 100,
  agentVersion: 'v2.0.0',
  previousVersion: 'v1.9.3',
  intents: { a: 'agent', b: 'agent' },
  updatedAt: new Date(T).toISOString(),
  updatedBy: 'ana',
};
const stopped: RoutingState = { ...base, mode: 'stopped', intents: { a: 'human', b: 'human' } };

describe('RecoveryWatch', () => {
  it('confirms a stop from the stream, then each KPI back within target, with how long it took', () => {
    const watch = new RecoveryWatch({ action: { action: 'stop_all', operator: 'ana' }, after: stopped, kpis: ['turnLatencyP95'] });
    let r = watch.update({ now: T + 10_000, agentShare: { calls: 5, agent: 0 }, kpis: kpis({ turnLatencyP95: 2400 }) });
    expect(r.streamConfirmed).toBeNull();
    expect(r.streamText).toBe('Waiting for the stream: 5 of 20 new calls needed to judge');
    expect(r.kpis[0]).toMatchObject({ kpi: 'turnLatencyP95', recovered: false });
    expect(r.kpis[0]?.text).toBe('P95 turn latency: 2.4 s, target under 1.2 s (10 s since the change)');
    expect(r.done).toBe(false);

    r = watch.update({ now: T + 45_000, agentShare: { calls: 40, agent: 0 }, kpis: kpis({ turnLatencyP95: 2100 }) });
    expect(r.streamConfirmed).toEqual({
      atMs: T + 45_000,
      afterMs: 45_000,
      text: 'Stream confirms the change after 45 s: 0 of 40 new calls went to the agent',
    });

    r = watch.update({ now: T + 3 * MIN + 10_000, agentShare: { calls: 300, agent: 0 }, kpis: kpis({ turnLatencyP95: 1150 }) });
    expect(r.kpis[0]).toEqual({
      kpi: 'turnLatencyP95',
      recovered: true,
      afterMs: 190_000,
      text: 'P95 turn latency back under 1.2 s after 3 min 10 s',
    });
    expect(r.done).toBe(true);
    // Once recovered it stays recovered; a later wobble is the alert engine's business.
    r = watch.update({ now: T + 4 * MIN, agentShare: { calls: 400, agent: 0 }, kpis: kpis({ turnLatencyP95: 1500 }) });
    expect(r.kpis[0]?.afterMs).toBe(190_000);
  });

  it('does not confirm a stop while new calls still reach the agent, and gives up at the horizon', () => {
    const watch = new RecoveryWatch({
      action: { action: 'stop_all', operator: 'ana' },
      after: stopped,
      kpis: ['taskCompletion'],
      giveUpAfterMs: 10 * MIN,
    });
    let r = watch.update({ now: T + MIN, agentShare: { calls: 50, agent: 2 }, kpis: kpis({ taskCompletion: 0.7 }) });
    expect(r.streamConfirmed).toBeNull();
    expect(r.streamText).toBe('Waiting for the stream: 2 of 50 new calls went to the agent (expected none)');
    r = watch.update({ now: T + 10 * MIN, agentShare: { calls: 500, agent: 2 }, kpis: kpis({ taskCompletion: 0.8 }) });
    expect(r.done).toBe(true);
    expect(r.streamText).toBe('Not confirmed by the stream after 10 min: 2 of 500 new calls went to the agent (expected none)');
    expect(r.kpis[0]).toEqual({ kpi: 'taskCompletion', recovered: false, text: 'Task completion not yet back within target after 10 min' });
    // Settled: later inputs change nothing.
    r = watch.update({ now: T + 11 * MIN, agentShare: { calls: 600, agent: 2 }, kpis: kpis({ taskCompletion: 0.9 }) });
    expect(r.kpis[0]?.recovered).toBe(false);
  });

  it('judges a share change within sampling noise', () => {
    const after = { ...base, agentShare: 25 };
    const watch = new RecoveryWatch({ action: { action: 'set_share', share: 25, operator: 'ana' }, after, kpis: [] });
    expect(watch.update({ now: T + MIN, agentShare: { calls: 400, agent: 180 }, kpis: kpis({}) }).streamConfirmed).toBeNull();
    const r = watch.update({ now: T + 2 * MIN, agentShare: { calls: 800, agent: 212 }, kpis: kpis({}) });
    expect(r.streamConfirmed?.text).toBe('Stream confirms the change after 2 min: the agent took 26.5% of 800 new calls (expected 25%)');
    expect(r.done).toBe(true);
  });

  it('confirms a fallback of some intents when the fallback rate rises', () => {
    const after: RoutingState = { ...base, intents: { a: 'fallback', b: 'agent' } };
    const watch = new RecoveryWatch({
      action: { action: 'route_fallback', intents: ['a'], operator: 'ana' },
      after,
      kpis: [],
      fallbackRateBefore: 0.02,
    });
    expect(watch.update({ now: T + 5_000, agentShare: { calls: 3, agent: 2 }, kpis: kpis({ fallbackRate: 0.02 }) }).streamConfirmed).toBeNull();
    const r = watch.update({ now: T + 30_000, agentShare: { calls: 30, agent: 18 }, kpis: kpis({ fallbackRate: 0.18 }) });
    expect(r.streamConfirmed?.text).toBe('Stream confirms the change after 30 s: fallback rate rose to 18% (was 2%)');
  });

  it('a fallback of every intent means no new calls for the agent', () => {
    const after: RoutingState = { ...base, mode: 'fallback', intents: { a: 'fallback', b: 'fallback' } };
    const watch = new RecoveryWatch({ action: { action: 'route_fallback', operator: 'ana' }, after, kpis: [] });
    expect(watch.update({ now: T + MIN, agentShare: { calls: 30, agent: 1 }, kpis: kpis({}) }).streamConfirmed).toBeNull();
  });

  it('counts from the provider time of the change and phrases min and zero targets', () => {
    const watch = new RecoveryWatch({
      action: { action: 'rollback', operator: 'ana' },
      after: { ...base, agentVersion: 'v1.9.3', previousVersion: 'v2.0.0' },
      kpis: ['taskCompletion', 'piiEvents'],
    });
    const r = watch.update({
      now: T + 95_000,
      agentShare: { calls: 20, agent: 20 },
      kpis: kpis({ taskCompletion: 0.9, piiEvents: 0 }),
    });
    expect(r.kpis.map((k) => k.text)).toEqual(['Task completion back above 85% after 1 min 35 s', 'PII events back to 0 after 1 min 35 s']);
    expect(r.streamConfirmed?.afterMs).toBe(95_000);
  });

  it('refuses a KPI that has no target to recover to', () => {
    expect(() => new RecoveryWatch({ action: { action: 'stop_all', operator: 'a' }, after: stopped, kpis: ['callRate'] })).toThrowError(
      /callRate has no target/,
    );
  });
});
