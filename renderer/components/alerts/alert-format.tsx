import type { AlertStateName, RuleState } from '../../../shared/alerts.js';
import type { AlertRule } from '../../../shared/config.js';
import { formatKpiValue } from '../../../shared/format.js';
import { KPIS } from '../../../shared/kpi.js';

/** How the alert screens put states, severities, scopes and thresholds into words. */

export const STATE_WORDS: Record<AlertStateName, string> = {
  ok: 'OK',
  pending: 'Pending',
  firing: 'Firing',
  recovering: 'Recovering',
  resolved: 'Resolved',
  nodata: 'No data',
  insufficient: 'Too few calls',
};

export const SEVERITY_WORDS: Record<AlertRule['severity'], string> = { critical: 'Critical', warning: 'Warning', info: 'Info' };

/** The trip and clear levels in the KPI's unit: "trips > 1.20 s, clears ≤ 1.10 s". */
export function thresholdText(rule: AlertRule, state: RuleState): string {
  const def = KPIS[rule.kpi];
  const fmt = (v: number | null) => formatKpiValue(def, v);
  if (state.threshold === null) return rule.baselineMultiple !== undefined ? `trips at ${rule.baselineMultiple}× baseline (no baseline)` : 'no threshold';
  const above = rule.comparison === 'above';
  const trip = `trips ${above ? '>' : '<'} ${fmt(state.threshold)}`;
  const clear = state.clearThreshold !== null && state.clearThreshold !== state.threshold ? `, clears ${above ? '≤' : '≥'} ${fmt(state.clearThreshold)}` : '';
  return `${trip}${clear}`;
}

export function scopeText(scope: string): string {
  return scope === 'all' ? 'all traffic' : scope;
}

/** States the strip shows: an alert on its way up, up, or still open while its data is missing. */
export function needsAttention(state: RuleState): boolean {
  return state.state === 'pending' || state.state === 'firing' || state.state === 'recovering' || (state.state === 'nodata' && state.firedAt !== undefined);
}
