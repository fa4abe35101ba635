import type { AlertStateName, RuleState } from '../../../shared/alerts.js';
import type { AlertRule } from '../../../shared/config.js';
import { formatKpiValue } from '../../../shared/format.js';
import { KPIS } from '../../../shared/kpi.js';
import { formatLocal, formatUtc } from '../../../shared/time-format.js';

/** How the alert screens put states, figures and times into words. */

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

const operatorZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone;

/** "14:05" in the operator's zone. */
function clockTime(ms: number, seconds = false): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: operatorZone(),
    hour: '2-digit',
    minute: '2-digit',
    ...(seconds ? { second: '2-digit' } : {}),
    hourCycle: 'h23',
  }).format(ms);
}

/** A time in the operator's zone, UTC on hover. `full` adds the date and the zone's name. */
export function Time({ ms, full = false, seconds = false }: { ms: number; full?: boolean; seconds?: boolean }) {
  return (
    <time dateTime={new Date(ms).toISOString()} title={formatUtc(ms)}>
      {full ? formatLocal(ms, operatorZone()) : clockTime(ms, seconds)}
    </time>
  );
}

/** The live value against the trip and clear levels: "3.01 s (trips > 1.20 s, clears ≤ 1.10 s)". */
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
