import { toCsv } from '../../electron/core/lib/csv.js';
import { describe, expect, it } from 'vitest';
import type { CallRecord } from '../../shared/protocol.js';
import { RegressionCaseSchema, type Annotation, type StoredSession } from '../../shared/sampling.js';
import {
  annotationsCsv,
  annotationsJson,
  regressionCases,
  regressionCasesJson,
  sessionSummary,
} from '../../electron/core/sampling/export.js';
import { callRecord } from '../support/call-record.js';

const T0 = Date.UTC(2025, 4, 1, 8, 0, 0);

function call(id: string, intent: string, extra: Partial<CallRecord> = {}): CallRecord {
  const at = new Date(T0).toISOString();
  return callRecord({
    id, startedAt: at, endedAt: at, intent,
    turns: [
      { speaker: 'caller', text: 'my number is 415-555-0132', startMs: 0, endMs: 900 },
      { speaker: 'agent', text: 'thanks, looking that up', startMs: 1200, endMs: 2000 },
      { speaker: 'caller', text: 'order 12345 please', startMs: 2500, endMs: 3000 },
    ],
    ...extra,
  });
}

const stored: StoredSession = {
  session: {
    id: 's1', name: 'Hour 4, "night"', createdAt: new Date(T0).toISOString(), createdBy: 'dana', seed: 1, size: 20,
    range: { from: T0, to: T0 + 3_600_000 }, overweightFailures: false, callIds: ['a', 'b', 'c', 'd'], allocation: [],
  },
  calls: [
    call('a', 'orders', {
      outcome: 'failed',
      toolCalls: [{ name: 'lookup_order', ok: false, latencyMs: 3000, error: 'timeout for jo@x.io' }, { name: 'greet', ok: true, latencyMs: 5 }],
    }),
    call('b', 'orders'),
    call('c', 'billing', { route: 'fallback' }),
    call('d', 'billing'),
  ],
};

const ann = (callId: string, verdict: Annotation['verdict'], categories: Annotation['categories'] = [], note = ''): Annotation => ({
  sessionId: 's1', callId, verdict, categories, note, updatedAt: '2025-05-01T10:00:00.000Z', updatedBy: 'dana',
});

const annotations = [
  ann('a', 'fail', ['wrong_tool', 'latency'], 'said "done", caller gave 4111 1111 1111 1111'),
  ann('b', 'pass', [], '=HYPERLINK("x")'),
  ann('c', 'fail', ['latency'], 'line one\nline two, with comma'),
];

describe('CSV export', () => {
  it('quotes commas, quotes and line breaks, and defuses formulas', () => {
    expect(toCsv([['plain', 'a,b', 'say "hi"', 'two\nlines', '=1+1', '-3', '']])).toBe(
      'plain,"a,b","say ""hi""","two\nlines",\'=1+1,\'-3,\r\n',
    );
  });

  it('writes one row per sampled call with the masked note', () => {
    const csv = annotationsCsv(stored, annotations);
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('session_id,session_name,call_id,intent,ended_at,verdict,categories,note,updated_at,updated_by');
    expect(lines[1]).toBe('s1,"Hour 4, ""night""",a,orders,2025-05-01T08:00:00.000Z,fail,wrong_tool;latency,"said ""done"", caller gave [card ••••1111]",2025-05-01T10:00:00.000Z,dana');
    expect(lines[2]).toContain(',pass,,"\'=HYPERLINK(""x"")",');
    expect(lines[3]).toContain('"line one\nline two, with comma"');
    expect(lines[4]).toBe('s1,"Hour 4, ""night""",d,billing,2025-05-01T08:00:00.000Z,,,,,');
    expect(annotationsCsv(stored, annotations, { unmasked: true })).toContain('caller gave 4111 1111 1111 1111');
  });
});

describe('JSON export', () => {
  it('carries the session, the summary and the masked annotations', () => {
    const parsed = JSON.parse(annotationsJson(stored, annotations)) as { masked: boolean; annotations: { note: string; intent: string }[]; summary: { failed: number } };
    expect(parsed.masked).toBe(true);
    expect(parsed.annotations[0]).toMatchObject({ callId: 'a', intent: 'orders', note: 'said "done", caller gave [card ••••1111]' });
    expect(parsed.summary.failed).toBe(2);
  });
});

describe('regression cases', () => {
  it('turns every failed call into a masked case', () => {
    const cases = regressionCases(stored, annotations);
    expect(cases).toHaveLength(2);
    for (const c of cases) expect(RegressionCaseSchema.parse(c)).toEqual(c);
    expect(cases[0]).toEqual({
      intent: 'orders',
      callerTurns: ['my number is [phone ••••0132]', 'order 12345 please'],
      agentToolCalls: [{ name: 'lookup_order', ok: false, error: 'timeout for [email]' }, { name: 'greet', ok: true }],
      whatWentWrong: 'Wrong tool, Latency. In the call: tool lookup_order failed: timeout for [email]; outcome failed.',
      category: 'wrong_tool',
      note: 'said "done", caller gave [card ••••1111]',
      sourceCallId: 'a',
    });
    expect(cases[1]?.whatWentWrong).toBe('Latency. In the call: routed to the fallback.');
  });

  it('keeps the raw text only when asked', () => {
    const [first] = regressionCases(stored, annotations, { unmasked: true });
    expect(first?.callerTurns[0]).toBe('my number is 415-555-0132');
    expect(JSON.parse(regressionCasesJson(stored, annotations))).toEqual(regressionCases(stored, annotations));
  });
});

describe('session summary', () => {
  it('gives failure rates by intent and by category', () => {
    const s = sessionSummary(stored, annotations);
    expect(s).toMatchObject({ sessionId: 's1', total: 4, annotated: 3, passed: 1, failed: 2, failureRate: 2 / 3 });
    expect(s.byIntent).toEqual([
      { intent: 'billing', total: 2, annotated: 1, failed: 1, failureRate: 1 },
      { intent: 'orders', total: 2, annotated: 2, failed: 1, failureRate: 0.5 },
    ]);
    const byCat = Object.fromEntries(s.byCategory.map((c) => [c.category, [c.count, c.share]]));
    expect(byCat).toMatchObject({ latency: [2, 1], wrong_tool: [1, 0.5], other: [0, 0] });
    expect(sessionSummary(stored, []).failureRate).toBeNull();
  });
});
