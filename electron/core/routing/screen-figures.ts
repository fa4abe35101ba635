import { KPI_IDS, KPIS, kpiStatus, type KpiId, type MetricsSnapshot, type WindowMinutes } from '../../../shared/kpi.js';

/** The figures an audit entry quotes: what the dashboard showed when the operator confirmed. */
export const KEY_FIGURES = ['turnLatencyP95', 'taskCompletion', 'agentErrorRate', 'fallbackRate', 'callRate'] as const satisfies readonly KpiId[];
/** The dashboard's default window; the core does not know which one a renderer has picked. */
export const KEY_FIGURES_WINDOW: WindowMinutes = 5;
/** The recovery watch's short window: recent enough to show a change within minutes. */
export const RECOVERY_WINDOW: WindowMinutes = 1;

export interface ScreenFigures {
  values: Record<(typeof KEY_FIGURES)[number], number | null>;
  windowMin: WindowMinutes;
  /** Stream time the windows end at, ISO; null before the first event. */
  asOf: string | null;
  /** The short window's fallback rate, the baseline a partial fallback is checked against. */
  recentFallbackRate: number | null;
  /**
   * The KPIs beyond their target in the dashboard's window: the only ones an action can be said
   * to bring back. Null without figures, when nobody knows.
   */
  outOfTarget: KpiId[] | null;
}

export function screenFigures(snapshot: MetricsSnapshot | null): ScreenFigures {
  const overall = snapshot?.windows[KEY_FIGURES_WINDOW].overall;
  const values = Object.fromEntries(KEY_FIGURES.map((k) => [k, overall?.kpis[k] ?? null])) as ScreenFigures['values'];
  return {
    values,
    windowMin: KEY_FIGURES_WINDOW,
    asOf: snapshot ? new Date(snapshot.now).toISOString() : null,
    recentFallbackRate: snapshot?.windows[RECOVERY_WINDOW].overall.kpis.fallbackRate ?? null,
    outOfTarget: overall ? KPI_IDS.filter((k) => kpiStatus(KPIS[k], overall.kpis[k]) === 'bad') : null,
  };
}
