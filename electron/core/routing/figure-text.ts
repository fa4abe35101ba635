import type { KpiUnit } from '../../../shared/kpi.js';

/** "45 s", "3 min 10 s", "2 h 5 min": durations as an operator reads them. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return s % 60 === 0 ? `${min} min` : `${min} min ${s % 60} s`;
  const h = Math.floor(min / 60);
  return min % 60 === 0 ? `${h} h` : `${h} h ${min % 60} min`;
}

/** A KPI value in its unit: ms as seconds, ratios as percent. */
export function formatFigure(value: number, unit: KpiUnit): string {
  switch (unit) {
    case 'ms':
      return `${trim(value / 1000, 2)} s`;
    case 'ratio':
      return percent(value);
    case 'perMin':
      return `${trim(value, 1)}/min`;
    case 'count':
      return String(Math.round(value));
  }
}

export function percent(ratio: number): string {
  return `${trim(ratio * 100, 1)}%`;
}

function trim(v: number, decimals: number): string {
  return String(Number(v.toFixed(decimals)));
}
