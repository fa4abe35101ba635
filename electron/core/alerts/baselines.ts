import type { AlertRule, LaunchConfig } from '../../../shared/config.js';
import { KPI_IDS, KPIS, type KpiId, type MetricsSnapshot, type WindowMinutes } from '../../../shared/kpi.js';
import type { AlertLogEntry, BaselineChange, BaselineSet, CapturedBaseline, KpiReason, RuleState } from '../../../shared/alerts.js';
import { SAMPLE_NOUN } from './rule-engine.js';

/**
 * Baselines for baseline-multiple rules and the reviews: configured per KPI, and captured from
 * live traffic KPI by KPI over them. Every capture and revert is kept in a bounded history, so
 * the operator can see who set a figure and take a capture back.
 */

export class BaselineError extends Error {}

export type BaselineValues = Partial<Record<KpiId, number>>;

/** What the console keeps of the baselines: the captured values and the history of changes. */
export interface BaselineRecord {
  captured: Partial<Record<KpiId, CapturedBaseline>>;
  history: BaselineChange[];
}

export const EMPTY_BASELINE_RECORD: BaselineRecord = { captured: {}, history: [] };

/** Changes kept for the history; a capture that left it can no longer be reverted. */
export const BASELINE_HISTORY_LIMIT = 50;

export function baselinesFromConfig(config: Pick<LaunchConfig, 'baselines'>): BaselineValues {
  return { ...config.baselines };
}

/** The baselines in force: each captured KPI over its configured value, the others as configured. */
export function baselineSet(configured: BaselineValues, record: BaselineRecord): BaselineSet {
  const values: BaselineValues = { ...configured };
  for (const kpi of KPI_IDS) {
    const c = record.captured[kpi];
    if (c) values[kpi] = c.value;
  }
  return { values, captured: { ...record.captured }, history: [...record.history] };
}

export interface CapturedBaselines {
  values: BaselineValues;
  /** Chosen KPIs left out, with why. */
  skipped: KpiReason[];
  /** Stream time at the end of the window. */
  streamTime: number;
}

/**
 * The overall values of the chosen KPIs (every KPI when none are chosen) over one window of the
 * snapshot. A KPI whose sample in that window is below `minSample` is left out rather than
 * captured from a handful of calls: a baseline of 0 failures from 10 calls would make a 2x rule
 * trip on the first failure.
 */
export function captureBaseline(
  snapshot: MetricsSnapshot,
  windowMin: WindowMinutes,
  minSample = 30,
  kpis: readonly KpiId[] = KPI_IDS,
): CapturedBaselines {
  const stats = snapshot.windows[windowMin].overall;
  if (stats.calls === 0) throw new BaselineError(`No calls in the last ${windowMin} min to capture a baseline from`);
  if (stats.incomplete) {
    throw new BaselineError(
      `The last ${windowMin} min are incomplete (a stream gap or a late start); capture from a complete window`,
    );
  }
  const values: BaselineValues = {};
  const skipped: KpiReason[] = [];
  for (const kpi of KPI_IDS.filter((k) => kpis.includes(k))) {
    const def = KPIS[kpi];
    const value = stats.kpis[kpi];
    if (value === null || !Number.isFinite(value)) {
      skipped.push({ kpi, reason: `no ${def.label} value in the window` });
      continue;
    }
    if (def.denominator !== 'none') {
      const sample = stats[def.denominator];
      if (sample < minSample) {
        skipped.push({ kpi, reason: `only ${sample} of ${minSample} ${SAMPLE_NOUN[def.denominator]} in the window` });
        continue;
      }
    }
    values[kpi] = value;
  }
  return { values, skipped, streamTime: snapshot.now };
}

function withChange(record: BaselineRecord, captured: BaselineRecord['captured'], change: BaselineChange): BaselineRecord {
  return { captured, history: [...record.history, change].slice(-BASELINE_HISTORY_LIMIT) };
}

function nextChangeId(record: BaselineRecord): number {
  return (record.history.at(-1)?.id ?? 0) + 1;
}

/** A capture merged over the baselines in force: only the KPIs it took change. */
export function applyCapture(
  record: BaselineRecord,
  taken: CapturedBaselines,
  meta: { by: string; at: number; windowMin: number; warning: string | null },
): { record: BaselineRecord; change: BaselineChange } {
  const kpis = KPI_IDS.filter((k) => taken.values[k] !== undefined);
  if (kpis.length === 0) {
    const why = taken.skipped.map((s) => `${KPIS[s.kpi].label}: ${s.reason}`).join('; ');
    throw new BaselineError(`None of the chosen KPIs could be captured${why ? ` (${why})` : ''}`);
  }
  const id = nextChangeId(record);
  const captured = { ...record.captured };
  const previous: Partial<Record<KpiId, CapturedBaseline | null>> = {};
  for (const kpi of kpis) {
    previous[kpi] = record.captured[kpi] ?? null;
    captured[kpi] = { value: taken.values[kpi] as number, change: id, by: meta.by, streamTime: taken.streamTime, windowMin: meta.windowMin };
  }
  const change: BaselineChange = {
    id,
    kind: 'capture',
    by: meta.by,
    at: meta.at,
    streamTime: taken.streamTime,
    windowMin: meta.windowMin,
    values: { ...taken.values },
    skipped: taken.skipped,
    previous,
    warning: meta.warning,
  };
  return { record: withChange(record, captured, change), change };
}

/** True once a revert of capture `id` is in the history. */
export function isReverted(history: readonly BaselineChange[], id: number): boolean {
  return history.some((h) => h.kind === 'revert' && h.revertOf === id);
}

/**
 * Takes a capture back: each of its KPIs returns to what it held before (an earlier capture, or
 * the configured value), unless captured again since. An earlier capture that was itself reverted
 * is passed over, so a revert never brings back figures an operator already took back.
 */
export function revertCapture(
  record: BaselineRecord,
  id: number,
  configured: BaselineValues,
  meta: { by: string; at: number },
): { record: BaselineRecord; change: BaselineChange } {
  const target = record.history.find((h) => h.id === id);
  if (!target) throw new BaselineError(`No baseline capture #${id} in the history (it keeps the last ${BASELINE_HISTORY_LIMIT} changes)`);
  if (target.kind !== 'capture') throw new BaselineError(`Change #${id} is a revert, not a capture`);
  if (isReverted(record.history, id)) throw new BaselineError(`Capture #${id} was already reverted`);
  const captured = { ...record.captured };
  const restored: Partial<Record<KpiId, number | null>> = {};
  const kept: KpiReason[] = [];
  for (const kpi of KPI_IDS.filter((k) => target.values[k] !== undefined)) {
    const now = record.captured[kpi];
    if (now?.change !== id) {
      kept.push({ kpi, reason: now ? `captured again since (#${now.change})` : 'no longer captured' });
      continue;
    }
    let before = target.previous[kpi] ?? null;
    while (before && isReverted(record.history, before.change)) {
      const earlier = record.history.find((h) => h.id === before?.change);
      before = earlier?.kind === 'capture' ? earlier.previous[kpi] ?? null : null;
    }
    if (before) captured[kpi] = before;
    else delete captured[kpi];
    restored[kpi] = before ? before.value : configured[kpi] ?? null;
  }
  if (Object.keys(restored).length === 0) {
    throw new BaselineError(`Nothing to revert: every KPI of capture #${id} was captured again since`);
  }
  const change: BaselineChange = { id: nextChangeId(record), kind: 'revert', by: meta.by, at: meta.at, revertOf: id, restored, kept };
  return { record: withChange(record, captured, change), change };
}

/**
 * Critical alerts up at any moment of [from, to] (stream time): open now, or resolved within it.
 * A baseline taken over an incident would hold the incident's figures as normal.
 */
export function criticalAlertsOver(
  rules: readonly AlertRule[],
  states: ReadonlyMap<string, RuleState>,
  log: readonly AlertLogEntry[],
  from: number,
): string[] {
  return rules.flatMap((rule) => {
    if (rule.severity !== 'critical') return [];
    const open = states.get(rule.id)?.firedAt !== undefined;
    const resolvedWithin = log.some((e) => e.kind === 'resolved' && e.ruleId === rule.id && e.at >= from);
    return open || resolvedWithin ? [rule.name] : [];
  });
}
