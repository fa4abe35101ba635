import { toCsv } from '../lib/csv.js';
import type { CallRecord } from '../../../shared/protocol.js';
import { maskPii } from '../../../shared/pii-mask.js';
import {
  FAILURE_CATEGORIES,
  FAILURE_SIGNALS,
  failureSignals,
  type Annotation,
  type RegressionCase,
  type SessionSummary,
  type StoredSession,
} from '../../../shared/sampling.js';

/**
 * Exports of a sampling session. Free text (transcripts, notes, tool errors) is masked for PII
 * unless `unmasked` is asked for; the host records that request in the audit log.
 */

export interface ExportOptions {
  unmasked?: boolean;
}

const CSV_COLUMNS = [
  'session_id',
  'session_name',
  'call_id',
  'intent',
  'ended_at',
  'verdict',
  'categories',
  'note',
  'updated_at',
  'updated_by',
] as const;

/** One row per sampled call, annotated or not, in session order. */
export function annotationsCsv(stored: StoredSession, annotations: readonly Annotation[], options: ExportOptions = {}): string {
  const text = textFilter(options);
  const byCall = new Map(annotations.map((a) => [a.callId, a]));
  const { session } = stored;
  const rows = stored.calls.map((call) => {
    const a = byCall.get(call.id);
    return [
      session.id,
      session.name,
      call.id,
      call.intent,
      call.endedAt,
      a?.verdict ?? '',
      (a?.categories ?? []).join(';'),
      text(a?.note ?? ''),
      a?.updatedAt ?? '',
      a?.updatedBy ?? '',
    ];
  });
  return toCsv([[...CSV_COLUMNS], ...rows]);
}

export function annotationsJson(stored: StoredSession, annotations: readonly Annotation[], options: ExportOptions = {}): string {
  const text = textFilter(options);
  const calls = new Map(stored.calls.map((c) => [c.id, c]));
  return JSON.stringify(
    {
      session: stored.session,
      masked: !options.unmasked,
      summary: sessionSummary(stored, annotations),
      annotations: annotations.map((a) => ({
        ...a,
        note: text(a.note),
        intent: calls.get(a.callId)?.intent ?? null,
        endedAt: calls.get(a.callId)?.endedAt ?? null,
      })),
    },
    null,
    2,
  );
}

/** Every call judged 'fail', as a case for the regression suite. */
export function regressionCases(stored: StoredSession, annotations: readonly Annotation[], options: ExportOptions = {}): RegressionCase[] {
  const text = textFilter(options);
  const calls = new Map(stored.calls.map((c) => [c.id, c]));
  return annotations.flatMap((a) => {
    const call = calls.get(a.callId);
    if (a.verdict !== 'fail' || !call) return [];
    return [
      {
        intent: call.intent,
        callerTurns: call.turns.filter((t) => t.speaker === 'caller').map((t) => text(t.text)),
        agentToolCalls: call.toolCalls.map((t) => (t.error === undefined ? { name: t.name, ok: t.ok } : { name: t.name, ok: t.ok, error: text(t.error) })),
        whatWentWrong: text(whatWentWrong(a, call)),
        category: a.categories[0] ?? 'other',
        note: text(a.note),
        sourceCallId: call.id,
      },
    ];
  });
}

export function regressionCasesJson(stored: StoredSession, annotations: readonly Annotation[], options: ExportOptions = {}): string {
  return JSON.stringify(regressionCases(stored, annotations, options), null, 2);
}

/** The reviewer's categories, then what the call's own record shows went wrong. */
function whatWentWrong(a: Annotation, call: CallRecord): string {
  const labels = a.categories.map((id) => FAILURE_CATEGORIES.find((c) => c.id === id)?.label ?? id);
  const seen = [
    ...call.toolCalls.filter((t) => !t.ok).map((t) => `tool ${t.name} failed${t.error ? `: ${t.error}` : ''}`),
    ...call.errors.map((e) => `${e.kind} error: ${e.message}`),
    ...failureSignals(call)
      .filter((s) => s !== 'error')
      .map((s) => FAILURE_SIGNALS[s]),
  ];
  const judged = labels.length > 0 ? labels.join(', ') : 'Failed on review';
  return seen.length > 0 ? `${judged}. In the call: ${seen.join('; ')}.` : `${judged}.`;
}

export function sessionSummary(stored: StoredSession, annotations: readonly Annotation[]): SessionSummary {
  const byCall = new Map(annotations.map((a) => [a.callId, a]));
  const rate = (failed: number, annotated: number): number | null => (annotated > 0 ? failed / annotated : null);
  const intents = new Map<string, { total: number; annotated: number; failed: number }>();
  const categoryCounts = new Map<string, number>();
  let annotated = 0;
  let failed = 0;
  for (const call of stored.calls) {
    const row = intents.get(call.intent) ?? { total: 0, annotated: 0, failed: 0 };
    intents.set(call.intent, row);
    row.total += 1;
    const a = byCall.get(call.id);
    if (!a || a.verdict === null) continue;
    row.annotated += 1;
    annotated += 1;
    if (a.verdict !== 'fail') continue;
    row.failed += 1;
    failed += 1;
    for (const c of a.categories) categoryCounts.set(c, (categoryCounts.get(c) ?? 0) + 1);
  }
  return {
    sessionId: stored.session.id,
    total: stored.calls.length,
    annotated,
    passed: annotated - failed,
    failed,
    failureRate: rate(failed, annotated),
    byIntent: [...intents]
      .map(([intent, r]) => ({ intent, ...r, failureRate: rate(r.failed, r.annotated) }))
      .sort((x, y) => (y.failureRate ?? -1) - (x.failureRate ?? -1) || x.intent.localeCompare(y.intent)),
    byCategory: FAILURE_CATEGORIES.map((c) => {
      const count = categoryCounts.get(c.id) ?? 0;
      return { category: c.id, label: c.label, count, share: failed > 0 ? count / failed : null };
    }),
  };
}

function textFilter(options: ExportOptions): (s: string) => string {
  return options.unmasked ? (s) => s : (s) => maskPii(s).text;
}
