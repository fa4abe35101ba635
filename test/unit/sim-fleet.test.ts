import { describe, expect, it } from 'vitest';
import type { FaultName } from '../../sim/faults.js';
import { Fleet, type FleetOutput } from '../../sim/fleet.js';
import { applyRoutingAction, initialRoutingState } from '../../sim/routing-state.js';

const T0 = Date.UTC(2026, 2, 1, 9);
const INTENTS = ['book_appointment', 'order_status', 'billing_question', 'cancel_service', 'talk_to_human'];

function fleet(seed = 3, rate = 4) {
  const world = {
    routing: initialRoutingState({ intents: INTENTS, agentShare: 100, agentVersion: 'v2', previousVersion: 'v1', now: T0 }),
    faults: [] as FaultName[],
  };
  const out: FleetOutput[] = [];
  const f = new Fleet(
    { seed, rate, intents: INTENTS, startTime: T0, run: 'r', baseUrl: 'http://127.0.0.1:1', faultyVersion: 'v2' },
    { routing: () => world.routing, faults: () => world.faults },
  );
  const act = (action: 'stop_all' | 'rollback') => {
    world.routing = applyRoutingAction(world.routing, { action, operator: 'op' }, f.now);
  };
  return { f, out, world, act, advance: (to: number) => f.advanceTo(to, (o) => out.push(o)) };
}

const callsOf = (out: FleetOutput[]) => out.flatMap((o) => (o.kind === 'call' ? [o.call] : []));

describe('fleet', () => {
  it('gives the same events however simulated time is sliced', () => {
    const whole = fleet();
    whole.advance(T0 + 15 * 60_000);
    const sliced = fleet();
    for (let t = T0; t <= T0 + 15 * 60_000; t += 7_919) sliced.advance(t);
    sliced.advance(T0 + 15 * 60_000);
    expect(sliced.out).toEqual(whole.out);
    expect(callsOf(whole.out).length).toBeGreaterThan(3000);
  });

  it('emits calls once ended, in end order, at about the configured rate', () => {
    const { out, advance, f } = fleet(5, 2);
    advance(T0 + 60 * 60_000);
    const calls = callsOf(out);
    const ends = calls.map((c) => Date.parse(c.endedAt));
    expect(ends).toEqual([...ends].sort((a, b) => a - b));
    expect(Math.max(...ends)).toBeLessThanOrEqual(T0 + 60 * 60_000);
    // 7200 expected; Poisson sd is about 85.
    expect(f.callsStarted).toBeGreaterThan(6900);
    expect(f.callsStarted).toBeLessThan(7500);
    expect(new Set(calls.map((c) => c.id)).size).toBe(calls.length);
  });

  it('publishes the platform figures once per simulated minute', () => {
    const { out, advance } = fleet();
    advance(T0 + 10 * 60_000 + 59_000);
    const metrics = out.flatMap((o) => (o.kind === 'metric' ? [o] : []));
    for (const name of ['tts.failures', 'connection.failed', 'stt.confidence', 'calls.active']) {
      expect(metrics.filter((m) => m.name === name).map((m) => m.ts)).toEqual(
        Array.from({ length: 10 }, (_, i) => T0 + (i + 1) * 60_000),
      );
    }
    const stt = metrics.filter((m) => m.name === 'stt.confidence');
    expect(stt.every((m) => m.value > 0.85 && m.value < 0.95)).toBe(true);
  });

  it('applies a routing change to calls that start after it, not to calls in progress', () => {
    const { out, advance, act } = fleet();
    advance(T0 + 5 * 60_000);
    act('stop_all');
    const stopAt = T0 + 5 * 60_000;
    advance(T0 + 10 * 60_000);
    const calls = callsOf(out);
    const before = calls.filter((c) => Date.parse(c.startedAt) <= stopAt);
    const after = calls.filter((c) => Date.parse(c.startedAt) > stopAt);
    expect(after.length).toBeGreaterThan(500);
    expect(after.every((c) => c.route === 'human')).toBe(true);
    expect(before.every((c) => c.route === 'agent')).toBe(true);
    expect(before.some((c) => Date.parse(c.endedAt) > stopAt)).toBe(true);
  });

  it('puts the faults on the new version only', () => {
    const { out, advance, act, world } = fleet();
    world.faults = ['pii-leak'];
    advance(T0 + 5 * 60_000);
    act('rollback');
    const at = T0 + 5 * 60_000;
    advance(T0 + 10 * 60_000);
    const calls = callsOf(out);
    const onNew = calls.filter((c) => Date.parse(c.startedAt) <= at);
    const onOld = calls.filter((c) => Date.parse(c.startedAt) > at);
    expect(onNew.every((c) => c.agentVersion === 'v2')).toBe(true);
    expect(onNew.filter((c) => c.safety.pii > 0).length).toBeGreaterThan(onNew.length * 0.2);
    expect(onOld.every((c) => c.agentVersion === 'v1' && c.safety.pii === 0)).toBe(true);
  });
});

describe('fleet recall', () => {
  it('rebuilds every call it made exactly, faults and routes included', () => {
    const { f, out, advance, act, world } = fleet();
    world.faults = ['latency-spike', 'pii-leak', 'tool-outage'];
    advance(T0 + 3 * 60_000);
    act('stop_all');
    advance(T0 + 6 * 60_000);
    const calls = callsOf(out);
    expect(new Set(calls.map((c) => c.route))).toEqual(new Set(['agent', 'human']));
    for (const c of calls) {
      expect(f.recall({ id: c.id, startedAt: Date.parse(c.startedAt), agentVersion: c.agentVersion })).toEqual(c);
    }
  });
});
