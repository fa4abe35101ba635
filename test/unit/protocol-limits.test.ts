import { describe, expect, it } from 'vitest';
import { CallRecordSchema, HeartbeatEventSchema, STREAM_LIMITS, cutText } from '../../shared/protocol.js';
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
