import { describe, expect, it } from 'vitest';
import { CallEventSchema, CallRecordSchema, HeartbeatEventSchema, STREAM_LIMITS, cutText, parseCallEvent } from '../../shared/protocol.js';
import { callRecord } from '../support/call-record.js';

describe('timestamps the protocol admits', () => {
  it('admits only four-digit years with a zone, whose UTC time every store can write', () => {
    const ok = (ts: string) => HeartbeatEventSchema.safeParse({ ts, seq: 0 }).success;
    expect(ok('2026-04-01T08:00:00Z')).toBe(true);
    expect(ok('2026-04-01T10:00:00.123+02:00')).toBe(true);
    expect(ok('0000-01-01T00:00:00Z')).toBe(true);
    expect(ok('9999-12-31T23:59:59.999Z')).toBe(true);
    for (const bad of ['+275760-09-13T00:00:00.000Z', '-271821-04-20T00:00:00.000Z', '9999-12-31T23:59:59.999-23:59', '2026-04-01T08:00:00', '2026-02-30T00:00:00Z', 'April 1, 2026']) {
      expect(ok(bad), bad).toBe(false);
    }
  });

  it('refuses a call that ends before it starts', () => {
    const parsed = CallRecordSchema.safeParse(callRecord({ startedAt: '2026-04-01T08:00:01Z', endedAt: '2026-04-01T08:00:00Z' }));
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]).toMatchObject({ path: ['startedAt'], message: 'startedAt must not be after endedAt' });
  });
});

describe('sizes the protocol admits', () => {
  it('leaves a call within the limits as it was', () => {
    const call = { ...callRecord({ toolCalls: [{ name: 'crm', ok: true, latencyMs: 5, args: { id: 7 } }] }), platformCallId: 'p-1' };
    expect(CallRecordSchema.parse(call)).toEqual(call);
  });

  it('cuts texts with the cut marked, caps lists saying how long they were, and bounds added fields', () => {
    const long = 'a'.repeat(STREAM_LIMITS.messageChars + 10);
    const call = CallRecordSchema.parse({
      ...callRecord(),
      errors: Array.from({ length: 150 }, () => ({ kind: 'tts', message: long })),
      toolCalls: [{ name: 'crm', ok: false, latencyMs: 5, error: long }],
      extra: Array.from({ length: 1000 }, (_, i) => ({ i })),
    });
    expect(call.errors).toHaveLength(STREAM_LIMITS.errors);
    expect(call.truncated).toEqual({ errors: 150 });
    expect(call.errors[0]?.message).toBe(cutText(long, STREAM_LIMITS.messageChars));
    expect(call.toolCalls[0]?.error).toMatch(/…\[cut: 10 more characters not kept\]$/);
    const extra = call.extra as unknown[];
    expect(extra.at(-1)).toBe('[cut: more than the call may carry]');
    expect(JSON.stringify(extra).length).toBeLessThan(1000);
  });

  it('refuses ids and intents past their limit rather than cut them into another one', () => {
    expect(CallRecordSchema.safeParse(callRecord({ intent: 'i'.repeat(STREAM_LIMITS.intentChars + 1) })).success).toBe(false);
    expect(CallRecordSchema.safeParse(callRecord({ id: 'c'.repeat(STREAM_LIMITS.idChars + 1) })).success).toBe(false);
  });
});

describe('the quick reading of a well-formed call event', () => {
  const plain = (): Record<string, unknown> => ({
    seq: 7,
    call: callRecord({
      startedAt: '2026-04-01T08:00:00.000Z',
      endedAt: '2026-04-01T08:02:00.000Z',
      turns: [
        { speaker: 'agent', text: 'Hello.', startMs: 0, endMs: 900, latencyMs: 640, interrupted: false },
        { speaker: 'caller', text: 'Hi.', startMs: 1200, endMs: 1500, sttConfidence: 0.9 },
      ],
      toolCalls: [{ name: 'crm', ok: false, latencyMs: 12, error: 'timeout' }],
      errors: [{ kind: 'tool', message: 'crm timed out' }],
      escalation: { requested: true, transferred: true, contextPreserved: false },
      recordingUrl: 'https://rec.example/1.wav',
    }),
  });
  type Change = (e: { seq: unknown; call: Record<string, unknown> & { turns: Record<string, unknown>[] } }) => void;
  const changes: Record<string, Change> = {
    'as sent': () => undefined,
    'an offset time': (e) => (e.call.startedAt = '2026-04-01T10:00:00+02:00'),
    'a time without milliseconds': (e) => (e.call.endedAt = '2026-04-01T08:02:00Z'),
    'no such day': (e) => (e.call.startedAt = '2026-02-30T00:00:00.000Z'),
    'a six-digit year': (e) => (e.call.endedAt = '+275760-09-13T00:00:00.000Z'),
    'ends before it starts': (e) => (e.call.endedAt = '2026-04-01T07:59:59.999Z'),
    'a seq of 0': (e) => (e.seq = 0),
    'a fractional seq': (e) => (e.seq = 1.5),
    'an added field on the event': (e) => Object.assign(e, { extra: 1 }),
    'an added field on the call': (e) => (e.call.platformId = 'p-1'),
    'a long added field': (e) => (e.call.platformId = 'p'.repeat(STREAM_LIMITS.extraChars + 1)),
    'an added object': (e) => (e.call.platform = { name: 'vapi' }),
    'more added fields than a call may carry': (e) => {
      for (let i = 0; i <= STREAM_LIMITS.extraNodes; i++) e.call[`extra${i}`] = i;
    },
    'an added field on a turn': (e) => ((e.call.turns[0] as Record<string, unknown>).words = ['Hello']),
    'a __proto__ key': (e) => (e.call.turns[0] = JSON.parse('{"speaker":"agent","text":"x","startMs":0,"endMs":1,"__proto__":{"a":1}}') as Record<string, unknown>),
    'a runaway text': (e) => ((e.call.turns[0] as Record<string, unknown>).text = 'x'.repeat(STREAM_LIMITS.turnTextChars + 1)),
    'too many turns': (e) => (e.call.turns = Array.from({ length: STREAM_LIMITS.turns + 1 }, () => ({ speaker: 'caller', text: '', startMs: 0, endMs: 0 }))),
    'an id past its limit': (e) => (e.call.id = 'x'.repeat(STREAM_LIMITS.idChars + 1)),
    'an empty intent': (e) => (e.call.intent = ''),
    'an unknown route': (e) => (e.call.route = 'robot'),
    'a negative latency': (e) => ((e.call.turns[0] as Record<string, unknown>).latencyMs = -1),
    'a confidence over 1': (e) => ((e.call.turns[1] as Record<string, unknown>).sttConfidence = 1.5),
    'a fractional PII count': (e) => (e.call.safety = { pii: 0.5, policy: 0, injection: 0 }),
    'a list cut before': (e) => (e.call.truncated = { turns: 2000 }),
    'no safety': (e) => delete e.call.safety,
    'an escalation missing a field': (e) => (e.call.escalation = { requested: true, transferred: false }),
    'turns that are not a list': (e) => (e.call.turns = { 0: 'x' } as unknown as Record<string, unknown>[]),
  };

  it('takes a well-formed event as it came, without a copy', () => {
    const wire = JSON.parse(JSON.stringify({ ...plain(), call: { ...plain().call as object, platform: 'vapi', endedReason: 'customer-ended-call' } })) as unknown;
    expect(parseCallEvent(wire).data).toBe(wire);
  });

  it.each(Object.keys(changes))('reads %s exactly as the schema does', (name) => {
    const event = plain() as Parameters<Change>[0];
    changes[name]?.(event);
    const wire = JSON.parse(JSON.stringify(event)) as unknown;
    const quick = parseCallEvent(wire);
    const schema = CallEventSchema.safeParse(JSON.parse(JSON.stringify(event)));
    expect(quick.success).toBe(schema.success);
    if (schema.success) expect(quick.data).toEqual(schema.data);
    else expect(quick.error?.issues).toEqual(schema.error.issues);
  });
});
