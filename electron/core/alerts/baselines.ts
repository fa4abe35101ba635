import type { LaunchConfig } from '../../../shared/config.js';
import { KPI_IDS, KPIS, type KpiId, type MetricsSnapshot, type WindowMinutes } from '../../../shared/kpi.js';
import type { BaselineSet } from '../../../shared/alerts.js';
import { SAMPLE_NOUN } from './rule-engine.js';

/** Baselines for baseline-multiple rules: from the configuration, or captured from live traffic. */

export class BaselineError extends Error {}

export function baselinesFromConfig(config: Pick<LaunchConfig, 'baselines'>): BaselineSet {
  return { values: { ...config.baselines }, source: 'config' };
}

export interface CapturedBaselines extends BaselineSet {
  /** KPIs left out, with why, so the operator sees which baseline rules will read "no data". */
  skipped: { kpi: KpiId; reason: string }[];
}

/**
 * The overall KPI values of one window of the snapshot, taken as the baseline. A KPI whose
 * sample in that window is below `minSample` is left out rather than captured from a handful
 * of calls: a baseline of 0 failures from 10 calls would make a 2x rule trip on the first failure.
 */
export function captureBaseline(
  snapshot: MetricsSnapshot,
  windowMin: WindowMinutes,
  minSample = 30,
): CapturedBaselines {
  const stats = snapshot.windows[windowMin].overall;
  if (stats.calls === 0) throw new BaselineError(`No calls in the last ${windowMin} min to capture a baseline from`);
  if (stats.incomplete) {
    throw new BaselineError(
      `The last ${windowMin} min are incomplete (a stream gap or a late start); capture from a complete window`,
    );
  }
  const values: Partial<Record<KpiId, number>> = {};
  const skipped: { kpi: KpiId; reason: string }[] = [];
  for (const kpi of KPI_IDS) {
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
  return { values, source: `captured at ${new Date(snapshot.now).toISOString()}`, skipped };
}
