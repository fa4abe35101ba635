import { describe, expect, it } from 'vitest';
import { CallRecordSchema, DEFAULT_INTENTS } from '../../shared/protocol.js';
import { OTHER_INTENTS, type SamplingSession } from '../../shared/sampling.js';
import { maskCall } from '../../electron/core/sampling/mask-call.js';
import { sampleSpread } from '../../electron/core/sampling/spread.js';
import { composeCall, planCall, toCallRecord } from '../../sim/calls.js';
import { profileFor } from '../../sim/faults.js';
import { callRecord } from '../support/call-record.js';

describe('tool calls the simulator sends', () => {
  const profile = profileFor(['tool-outage']);
  const records = Array.from({ length: 400 }, (_, i) => {
    const plan = planCall(3, i, DEFAULT_INTENTS);
    const body = composeCall(plan, 'agent', profile);
    return toCallRecord({ id: `c${i}`, startedAt: Date.UTC(2026, 5, 1), intent: plan.intent, agentVersion: 'v2', route: 'agent', baseUrl: 'http://sim' }, body);
  });
  const tools = records.flatMap((r) => r.toolCalls.map((t) => ({ t, r })));

  it('say when each started, with the arguments, and the result when it succeeded', () => {
    expect(tools.length).toBeGreaterThan(100);
    for (const { t, r } of tools) {
      expect(t.startMs).toBeGreaterThan(0);
      expect(t.startMs).toBeLessThan(Date.parse(r.endedAt) - Date.parse(r.startedAt));
      expect(t['arguments']).toBeTypeOf('object');
      if (t.ok) expect(t['result']).toBeTypeOf('object');
      else expect(t['result']).toBeUndefined();
    }
    expect(tools.some(({ t }) => !t.ok)).toBe(true);
  });

  it('start after the turn before them and one after another, and pass the stream protocol whole', () => {
    for (const r of records) {
      const starts = r.toolCalls.map((t) => t.startMs ?? 0);
      expect(starts).toEqual([...starts].sort((a, b) => a - b));
      expect(CallRecordSchema.parse(r).toolCalls).toEqual(r.toolCalls);
    }
  });

  it('carry personal data in their arguments, which masking covers', () => {
    const withPhone = tools.find(({ t }) => JSON.stringify(t['arguments']).includes('555-'));
    if (!withPhone) throw new Error('no tool call with a phone number');
    const masked = maskCall(withPhone.r).call;
    expect(JSON.stringify(masked.toolCalls)).not.toMatch(/555-\d{4}/);
    expect(JSON.stringify(masked.toolCalls)).toContain('[phone ••••');
  });
});

describe('the spread table', () => {
  it('shows how the sampled calls of each intent ended, intents past the cap under other intents', () => {
    const session = {
      allocation: [
        { intent: 'order_status', traffic: 80, share: 0.8, ideal: 16, sampled: 3, failuresSampled: 1 },
        { intent: OTHER_INTENTS, traffic: 20, share: 0.2, ideal: 4, sampled: 1, failuresSampled: 0 },
      ],
    } as SamplingSession;
    const calls = [
      callRecord({ id: 'a', intent: 'order_status', outcome: 'completed' }),
      callRecord({ id: 'b', intent: 'order_status', outcome: 'completed' }),
      callRecord({ id: 'c', intent: 'order_status', outcome: 'failed' }),
      callRecord({ id: 'd', intent: 'warranty_claim', outcome: 'escalated' }),
    ];
    const rows = sampleSpread(session, calls, []);
    expect(rows.map((r) => [r.intent, r.sampledOutcomes])).toEqual([
      ['order_status', { completed: 2, failed: 1 }],
      [OTHER_INTENTS, { escalated: 1 }],
    ]);
  });
});
