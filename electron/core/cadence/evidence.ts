import type { EvidenceAlert, EvidencePoint, EvidenceSnapshot, EvidenceSpan, FailedIntent, KpiEvidence, ScheduledReview } from '../../../shared/cadence.js';
import { formatFigure } from '../../../shared/format.js';
import {
  KPIS,
  WINDOW_MINUTES,
  kpiStatus,
  type KpiDefinition,
  type KpiId,
  type KpiValues,
  type MetricsSnapshot,
  type WindowMinutes,
  type WindowStats,
} from '../../../shared/kpi.js';
import type { HistoryFigures, KpiHistoryQuery, SpanStats } from '../metrics/kpi-history.js';
import { compareWithBaselines, type BaselinesInForce } from './baseline-comparison.js';

/** The part of a metrics snapshot the evidence reads; the host passes what it has, or null. */
export type EvidenceMetrics = Pick<MetricsSnapshot, 'now' | 'windows'>;

/** One alert state change as the host knows it. */
export interface AlertOccurrence {
  ruleId: string;
  name: string;
  severity: 'info' | 'warning' | 'critical';
  state: string;
  /** Epoch ms. */
  at: number;
}

export const MAX_EVIDENCE_ALERTS = 50;
export const MAX_FAILED_INTENTS = 5;
/** Chart points frozen with a review: minute by minute for 4 hours (and an hour late), 5-minute points for a day. */
export const EVIDENCE_POINTS = 300;

export interface EvidenceSources {
  /** The launch's KPI history: with it the figures cover the review's whole span. */
  history?: KpiHistoryQuery | null;
  /** The baselines in force, compared at end of day 2. */
  baselines?: BaselinesInForce | null;
}

/**
 * Freezes what the reviewer judges by: the KPIs the review's checks name, the intents failing most,
 * and the alerts since the window opened. Computed once, when the review is opened, so later
 * metrics cannot rewrite what the decision was based on. With the KPI history the figures cover
 * the review's own span (4 hours, or the day at end of day) with a chart over it; without it, the
 * rolling window closest to the span.
 */
export function captureEvidence(
  review: Pick<ScheduledReview, 'windowStart' | 'checks'> & Partial<Pick<ScheduledReview, 'kind'>>,
  metrics: EvidenceMetrics | null,
  alerts: readonly AlertOccurrence[],
  now: number,
  sources: EvidenceSources = {},
): EvidenceSnapshot {
  const inWindow = alerts
    .filter((a) => a.at >= review.windowStart && a.at <= now)
    .sort((a, b) => a.at - b.at);
  const kept = inWindow.slice(-MAX_EVIDENCE_ALERTS);
  const kpiIds = evidenceKpis(review.checks);
  const common = {
    capturedAt: iso(now),
    windowStart: iso(review.windowStart),
    windowEnd: iso(now),
    metricsAt: metrics ? iso(metrics.now) : null,
    alerts: kept.map(toEvidenceAlert),
    alertsOmitted: inWindow.length - kept.length,
  };
  const history = sources.history;
  if (history) {
    // The stream's time bounds the span: minutes past it have not happened on the platform yet.
    const spanEnd = metrics ? Math.min(now, metrics.now) : now;
    const overall = history.figures(review.windowStart, spanEnd, undefined, EVIDENCE_POINTS);
    const perIntent: Record<string, SpanStats> = {};
    for (const intent of history.intents()) perIntent[intent] = history.figures(review.windowStart, spanEnd, intent, 1).stats;
    const stats = overall.minutes > 0 ? overall.stats : null;
    return {
      ...common,
      metricsWindowMin: null,
      metricsIncomplete: overall.observedMinutes < overall.minutes || overall.gapMinutes > 0,
      calls: stats ? Math.round(stats.calls) : 0,
      kpis: kpiIds.map((id) => kpiEvidence(KPIS[id], stats?.kpis[id] ?? null)),
      topFailedIntents: topFailedIntents(perIntent),
      span: spanOf(overall),
      series: seriesOf(overall, ['callRate', ...kpiIds]),
      ...(review.kind === 'end_of_day_2' && sources.baselines && stats
        ? { baseline: compareWithBaselines(stats.kpis, sources.baselines) }
        : {}),
    };
  }
  const windowMin = metrics ? closestWindow(now - review.windowStart) : null;
  const scope = metrics && windowMin !== null ? metrics.windows[windowMin] : null;
  return {
    ...common,
    metricsWindowMin: windowMin,
    metricsIncomplete: scope?.overall.incomplete ?? false,
    calls: scope ? Math.round(scope.overall.calls) : 0,
    kpis: kpiIds.map((id) => kpiEvidence(KPIS[id], scope?.overall.kpis[id] ?? null)),
    topFailedIntents: scope ? topFailedIntents(scope.intents) : [],
    ...(review.kind === 'end_of_day_2' && sources.baselines && scope
      ? { baseline: compareWithBaselines(scope.overall.kpis, sources.baselines) }
      : {}),
  };
}

function spanOf(f: HistoryFigures): EvidenceSpan {
  return {
    from: iso(f.from),
    to: iso(f.to),
    minutes: f.minutes,
    resolutionMin: f.resolutionMin,
    pointMinutes: f.pointMinutes,
    observedMinutes: f.observedMinutes,
    gapMinutes: f.gapMinutes,
  };
}

function seriesOf(f: HistoryFigures, kpis: readonly KpiId[]): EvidencePoint[] {
  const ids = [...new Set(kpis)];
  return f.series.map((p) => ({ t: p.t, values: pick(p.kpis, ids) }));
}

function pick(values: KpiValues, ids: readonly KpiId[]): Partial<Record<KpiId, number | null>> {
  const out: Partial<Record<KpiId, number | null>> = {};
  for (const id of ids) out[id] = values[id];
  return out;
}

/** The rolling window nearest the evidence span; reviews span hours, so this is usually 60 min. */
export function closestWindow(spanMs: number): WindowMinutes {
  const spanMin = Math.max(0, spanMs) / 60_000;
  let best: WindowMinutes = WINDOW_MINUTES[0];
  for (const w of WINDOW_MINUTES) if (Math.abs(w - spanMin) < Math.abs(best - spanMin)) best = w;
  return best;
}

/**
 * Calls that did not end with the task done: those that never connected plus connected calls the
 * task-completion KPI counts as not completed, i.e. calls - round(taskCompletion x connected).
 * An escalation the caller asked for counts as not completed here, as it does in taskCompletion.
 */
export function topFailedIntents(intents: Readonly<Record<string, Pick<WindowStats, 'calls' | 'connected' | 'kpis'>>>): FailedIntent[] {
  const rows: FailedIntent[] = [];
  for (const [intent, s] of Object.entries(intents)) {
    const calls = Math.round(s.calls);
    const connected = Math.min(calls, Math.round(s.connected));
    const completed = Math.round((s.kpis.taskCompletion ?? 0) * connected);
    const failed = Math.max(0, calls - completed);
    if (failed > 0) rows.push({ intent, failed, calls, rate: failed / calls });
  }
  rows.sort((a, b) => b.failed - a.failed || b.rate - a.rate || a.intent.localeCompare(b.intent));
  return rows.slice(0, MAX_FAILED_INTENTS);
}

function evidenceKpis(checks: ScheduledReview['checks']): KpiId[] {
  return [...new Set(checks.flatMap((c) => c.kpis))];
}

function kpiEvidence(def: KpiDefinition, value: number | null): KpiEvidence {
  return { kpi: def.id, value, target: describeTarget(def), status: kpiStatus(def, value) };
}

/** "at most 2%", "at least 97%", "at most 1.2 s": the target as the rest of the console words figures. */
function describeTarget(def: KpiDefinition): string | null {
  if (!def.target) return null;
  const bound = def.target.kind === 'max' ? 'at most' : 'at least';
  return `${bound} ${formatFigure(def.target.value, def.unit)}`;
}

function toEvidenceAlert(a: AlertOccurrence): EvidenceAlert {
  return { ruleId: a.ruleId, name: a.name, severity: a.severity, state: a.state, at: iso(a.at) };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
