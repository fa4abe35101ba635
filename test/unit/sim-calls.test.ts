import { describe, expect, it } from 'vitest';
import { CallRecordSchema, DEFAULT_INTENTS, type Route } from '../../shared/protocol.js';
import { decodeCallId, encodeCallId, runTag } from '../../sim/call-id.js';
import { composeCall, planCall, toCallRecord, type CallBody } from '../../sim/calls.js';
import { FAULT_NAMES, faultMask, faultsFromMask, parseFaultNames, profileFor, type FaultName } from '../../sim/faults.js';

const SEED = 11;
const N = 4000;

function calls(faults: FaultName[], route: Route = 'agent', n = N): CallBody[] {
  const profile = profileFor(faults);
  return Array.from({ length: n }, (_, i) => composeCall(planCall(SEED, i, DEFAULT_INTENTS), route, profile));
}

function figures(bodies: CallBody[]) {
  const latencies = bodies
    .flatMap((b) => b.turns)
    .filter((t) => t.speaker === 'agent')
    .map((t) => t.latencyMs ?? 0)
    .sort((a, b) => a - b);
  const connected = bodies.filter((b) => b.connected);
  const tools = bodies.flatMap((b) => b.toolCalls);
  const transferred = bodies.filter((b) => b.escalation?.transferred);
  const callerTurns = bodies.flatMap((b) => b.turns).filter((t) => t.speaker === 'caller');
  return {
    p95: latencies[Math.floor(0.95 * (latencies.length - 1))] ?? 0,
    failedConnection: 1 - connected.length / bodies.length,
    completion: connected.filter((b) => b.outcome === 'completed').length / connected.length,
    errorRate: bodies.filter((b) => b.errors.length > 0).length / bodies.length,
    toolSuccess: tools.filter((t) => t.ok).length / tools.length,
    contextPreserved: transferred.filter((b) => b.escalation?.contextPreserved).length / transferred.length,
    piiCalls: bodies.filter((b) => b.safety.pii > 0).length / bodies.length,
    policyOrInjection: bodies.reduce((s, b) => s + b.safety.policy + b.safety.injection, 0),
    stt: callerTurns.reduce((s, t) => s + (t.sttConfidence ?? 0), 0) / callerTurns.length,
  };
}

describe('call generation', () => {
  const healthy = figures(calls([]));

  it('keeps a healthy fleet inside the launch targets', () => {
    expect(healthy.p95).toBeGreaterThan(800);
    expect(healthy.p95).toBeLessThan(1200);
    expect(healthy.completion).toBeGreaterThanOrEqual(0.87);
    expect(healthy.errorRate).toBeLessThan(0.005);
    expect(healthy.toolSuccess).toBeGreaterThan(0.98);
    expect(healthy.failedConnection).toBeLessThan(0.012);
    expect(healthy.contextPreserved).toBeGreaterThan(0.95);
    expect(healthy.piiCalls).toBe(0);
    expect(healthy.policyOrInjection).toBe(0);
    expect(healthy.stt).toBeGreaterThan(0.85);
  });

  it('moves each fault its own figure', () => {
    expect(figures(calls(['latency-spike'])).p95).toBeGreaterThan(2000);
    const outage = figures(calls(['tool-outage']));
    expect(outage.toolSuccess).toBeLessThan(0.5);
    expect(outage.completion).toBeLessThan(0.5);
    expect(outage.errorRate).toBeGreaterThan(0.3);
    expect(figures(calls(['pii-leak'])).piiCalls).toBeGreaterThan(0.2);
    expect(figures(calls(['escalation-context-loss'])).contextPreserved).toBeLessThan(0.5);
    const asr = figures(calls(['asr-degradation']));
    expect(asr.stt).toBeLessThan(0.7);
    expect(asr.completion).toBeLessThan(healthy.completion - 0.1);
    expect(figures(calls(['connection-failures'])).failedConnection).toBeGreaterThan(0.2);
  });

  it('gives conversations of 2 to 8 alternating turns on a consistent timeline', () => {
    for (const b of calls([], 'agent', 500).filter((c) => c.connected)) {
      expect(b.turns.length).toBeGreaterThanOrEqual(2);
      expect(b.turns.length).toBeLessThanOrEqual(8);
      b.turns.forEach((t, i) => {
        expect(t.endMs).toBeGreaterThan(t.startMs);
        const prev = b.turns[i - 1];
        if (prev) {
          expect(t.speaker).not.toBe(prev.speaker);
          expect(t.startMs).toBeGreaterThanOrEqual(prev.endMs);
        }
        if (t.speaker === 'agent') expect(t.latencyMs).toBeGreaterThan(0);
        else expect(t.sttConfidence).toBeGreaterThan(0);
      });
      expect(b.durationMs).toBeGreaterThan(b.turns.at(-1)?.endMs ?? 0);
    }
  });

  it('has callers speak phone numbers, e-mail addresses and card numbers for masking to catch', () => {
    const text = calls([], 'agent', 500).flatMap((b) => b.turns.filter((t) => t.speaker === 'caller').map((t) => t.text)).join('\n');
    expect(text).toMatch(/\(\d{3}\) 555-\d{4}/);
    expect(text).toMatch(/[a-z]+\.[a-z]+\d+@[a-z.]+/);
    expect(text).toMatch(/\b4\d{3} \d{4} \d{4} \d{4}\b/);
  });

  it('keeps calls off the agent plain and untouched by faults', () => {
    for (const route of ['human', 'fallback'] as const) {
      const bodies = calls([...FAULT_NAMES], route, 300);
      for (const b of bodies) {
        expect(b.connected).toBe(true);
        expect(['completed', 'escalated']).toContain(b.outcome);
        expect(b.errors).toEqual([]);
        expect(b.toolCalls).toEqual([]);
        expect(b.safety).toEqual({ pii: 0, policy: 0, injection: 0 });
        expect(b.turns.every((t) => t.latencyMs === undefined && t.sttConfidence === undefined)).toBe(true);
      }
    }
  });

  it('is a pure function of seed and index', () => {
    const a = composeCall(planCall(5, 42, DEFAULT_INTENTS), 'agent', profileFor([]));
    const b = composeCall(planCall(5, 42, DEFAULT_INTENTS), 'agent', profileFor([]));
    const c = composeCall(planCall(6, 42, DEFAULT_INTENTS), 'agent', profileFor([]));
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it('draws intents with unequal weights', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < N; i += 1) {
      const { intent } = planCall(SEED, i, DEFAULT_INTENTS);
      counts.set(intent, (counts.get(intent) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual([...DEFAULT_INTENTS].sort());
    expect(counts.get('book_appointment') ?? 0).toBeGreaterThan(3 * (counts.get('talk_to_human') ?? 0));
  });

  it('builds records that parse with the shared schema', () => {
    const plan = planCall(SEED, 3, ['refund', 'warranty']);
    const body = composeCall(plan, 'agent', profileFor([]));
    const rec = toCallRecord(
      { id: 'x-3-a0-00', startedAt: Date.UTC(2026, 0, 1), intent: plan.intent, agentVersion: 'v2', route: 'agent', baseUrl: 'http://127.0.0.1:1' },
      body,
    );
    expect(CallRecordSchema.parse(rec)).toEqual(rec);
    expect(['refund', 'warranty']).toContain(rec.intent);
    expect(Date.parse(rec.endedAt) - Date.parse(rec.startedAt)).toBe(body.durationMs);
  });
});

describe('call ids', () => {
  it('round-trip and reject edits', () => {
    const run = runTag(7, Date.UTC(2026, 5, 1));
    const parts = { run, index: 123456, route: 'fallback' as const, faultMask: faultMask(['pii-leak', 'tool-outage']) };
    const id = encodeCallId(parts);
    expect(decodeCallId(id)).toEqual(parts);
    const [r, i, rf, check] = id.split('-') as [string, string, string, string];
    expect(decodeCallId([r, (parseInt(i, 36) + 1).toString(36), rf, check].join('-'))).toBeNull();
    expect(decodeCallId([r, i, `a${rf.slice(1)}`, check].join('-'))).toBeNull();
    expect(decodeCallId(`${id}x`)).toBeNull();
    expect(runTag(7, Date.UTC(2026, 5, 2))).not.toBe(run);
  });

  it('carry the faults a call was made under', () => {
    expect(faultsFromMask(faultMask(['asr-degradation', 'latency-spike']))).toEqual(['latency-spike', 'asr-degradation']);
    expect(() => parseFaultNames(['latency-spike', 'meteor'])).toThrowError(/unknown scenario 'meteor'/);
  });
});
