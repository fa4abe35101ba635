import type { KpiDefinition, KpiTarget, KpiUnit } from './kpi.js';

/** Formatting both sides share, so a figure reads the same on screen, in reasons and exports. */

export function formatKpiValue(def: Pick<KpiDefinition, 'unit'>, value: number | null): string {
  if (value === null || Number.isNaN(value)) return '—';
  switch (def.unit) {
    case 'ms':
      return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${Math.round(value)} ms`;
    case 'ratio':
      return formatPercent(value);
    case 'perMin':
      return `${value.toFixed(value < 10 ? 1 : 0)}/min`;
    case 'count':
      return String(Math.round(value));
  }
}

/** A KPI value in running text ("back under 1.2 s"): no trailing zeros. */
export function formatFigure(value: number, unit: KpiUnit): string {
  const trim = (v: number, decimals: number) => String(Number(v.toFixed(decimals)));
  switch (unit) {
    case 'ms':
      return `${trim(value / 1000, 2)} s`;
    case 'ratio':
      return `${trim(value * 100, 1)}%`;
    case 'perMin':
      return `${trim(value, 1)}/min`;
    case 'count':
      return String(Math.round(value));
  }
}

export function formatPercent(ratio: number): string {
  const pct = ratio * 100;
  if (pct === 0) return '0%';
  if (pct < 1) return `${pct.toFixed(2)}%`;
  return `${pct.toFixed(1)}%`;
}

export function formatTarget(def: Pick<KpiDefinition, 'unit'>, target: KpiTarget | undefined): string {
  if (!target) return 'no target';
  const v = formatKpiValue(def, target.value);
  return target.kind === 'max' ? (target.value === 0 ? 'target 0' : `target < ${v}`) : `target ≥ ${v}`;
}

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
  const h = Math.floor(m / 60);
  return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
}
