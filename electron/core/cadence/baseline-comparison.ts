import type { BaselineComparison, BaselineVerdict } from '../../../shared/cadence.js';
import { KPI_IDS, KPIS, type KpiId, type KpiValues } from '../../../shared/kpi.js';

/** The baselines in force and which of them were captured (the rest are configured). */
export interface BaselinesInForce {
  values: Partial<Record<KpiId, number>>;
  captured: Partial<Record<KpiId, unknown>>;
}

/**
 * Which way is better for each KPI a day can be compared on. Rates and latencies do not depend on
 * the span's length; counts (TTS failures, safety events) and the call rate do, and a baseline
 * taken over an hour says nothing about a day's total, so they are not compared.
 */
const BETTER: Partial<Record<KpiId, 'higher' | 'lower'>> = {
  failedConnectionRate: 'lower',
  toolSuccess: 'higher',
  toolFailureRate: 'lower',
  modelErrorRate: 'lower',
  turnLatencyP50: 'lower',
  turnLatencyP95: 'lower',
  timeToFirstWordP95: 'lower',
  interruptionRate: 'lower',
  fallbackRate: 'lower',
  taskCompletion: 'higher',
  containment: 'higher',
  escalationCorrectness: 'higher',
  agentErrorRate: 'lower',
};

/**
 * How far from its baseline a KPI may be and still read "same": half the KPI's warning margin
 * where it has one (the distance the console already treats as "near the limit"), otherwise one
 * percentage point for a rate and 50 ms for a latency. Listed in docs/cadence.md.
 */
export function sameTolerance(kpi: KpiId): number {
  const def = KPIS[kpi];
  if (def.warnMargin !== undefined) return def.warnMargin / 2;
  return def.unit === 'ms' ? 50 : 0.01;
}

export function comparableKpis(): KpiId[] {
  return KPI_IDS.filter((kpi) => BETTER[kpi] !== undefined);
}

/** Each comparable KPI with a baseline, the span's value against it. */
export function compareWithBaselines(values: KpiValues, baselines: BaselinesInForce): BaselineComparison[] {
  const rows: BaselineComparison[] = [];
  for (const kpi of comparableKpis()) {
    const baseline = baselines.values[kpi];
    if (baseline === undefined || !Number.isFinite(baseline)) continue;
    const value = values[kpi];
    const tolerance = sameTolerance(kpi);
    const difference = value === null || !Number.isFinite(value) ? null : value - baseline;
    rows.push({
      kpi,
      value: difference === null ? null : value,
      baseline,
      origin: baselines.captured[kpi] ? 'captured' : 'configured',
      difference,
      tolerance,
      verdict: verdictOf(difference, tolerance, BETTER[kpi] ?? 'higher'),
    });
  }
  return rows;
}

function verdictOf(difference: number | null, tolerance: number, better: 'higher' | 'lower'): BaselineVerdict {
  if (difference === null) return 'unknown';
  // A hair of slack so a difference of exactly the tolerance, after floating-point sums, reads as the same.
  if (Math.abs(difference) <= tolerance + 1e-12) return 'same';
  return (difference > 0) === (better === 'higher') ? 'better' : 'worse';
}
