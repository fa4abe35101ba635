import type { EvidenceAlert, EvidenceSnapshot, FailedIntent, KpiEvidence, ScheduledReview } from '../../../shared/cadence.js';
import { formatFigure } from '../../../shared/format.js';
import {
  KPIS,
  WINDOW_MINUTES,
  kpiStatus,
  type KpiDefinition,
  type KpiId,
  type MetricsSnapshot,
  type WindowMinutes,
  type WindowStats,
} from '../../../shared/kpi.js';

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

/**
 * Freezes what the reviewer judges by: the KPIs the review's checks name, the intents failing most,
 * and the alerts since the window opened. Computed once, when the review is opened, so later
 * metrics cannot rewrite what the decision was based on.
 */
export function captureEvidence(
  review: Pick<ScheduledReview, 'windowStart' | 'checks'>,
  metrics: EvidenceMetrics | null,
  alerts: readonly AlertOccurrence[],
  now: number,
): EvidenceSnapshot {
  const windowMin = metrics ? closestWindow(now - review.windowStart) : null;
  const scope = metrics && windowMin !== null ? metrics.windows[windowMin] : null;
  const inWindow = alerts
    .filter((a) => a.at >= review.windowStart && a.at <= now)
    .sort((a, b) => a.at - b.at);
  const kept = inWindow.slice(-MAX_EVIDENCE_ALERTS);
  return {
    capturedAt: iso(now),
    windowStart: iso(review.windowStart),
    windowEnd: iso(now),
    metricsAt: metrics ? iso(metrics.now) : null,
    metricsWindowMin: windowMin,
    metricsIncomplete: scope?.overall.incomplete ?? false,
    calls: scope ? Math.round(scope.overall.calls) : 0,
    kpis: evidenceKpis(review.checks).map((id) => kpiEvidence(KPIS[id], scope?.overall.kpis[id] ?? null)),
    topFailedIntents: scope ? topFailedIntents(scope.intents) : [],
    alerts: kept.map(toEvidenceAlert),
    alertsOmitted: inWindow.length - kept.length,
  };
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
export function topFailedIntents(intents: Readonly<Record<string, WindowStats>>): FailedIntent[] {
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
