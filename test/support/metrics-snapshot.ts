import { KPI_IDS, WINDOW_MINUTES, type KpiValues, type MetricsSnapshot, type WindowStats } from '../../shared/kpi.js';

/** The counts and KPI values of one window; what a test leaves out is a healthy, busy default. */
export interface StatsSpec {
  kpis?: Partial<KpiValues>;
  calls?: number;
  connected?: number;
  agentTurns?: number;
  toolCalls?: number;
  escalations?: number;
}

export function windowStats(windowMin: WindowStats['windowMin'], spec: StatsSpec): WindowStats {
  const kpis = Object.fromEntries(KPI_IDS.map((k) => [k, null])) as KpiValues;
  Object.assign(kpis, spec.kpis);
  const calls = spec.calls ?? 500;
  return {
    windowMin,
    allCalls: calls,
    calls,
    connected: spec.connected ?? calls,
    agentTurns: spec.agentTurns ?? calls * 6,
    toolCalls: spec.toolCalls ?? calls * 2,
    escalations: spec.escalations ?? Math.round(calls / 10),
    kpis,
    incomplete: false,
  };
}

/** Every window carries the same figures: a rule reads only its own window. */
export function metricsSnapshot(now: number, overall: StatsSpec, intents: Record<string, StatsSpec> = {}): MetricsSnapshot {
  const windows = Object.fromEntries(
    WINDOW_MINUTES.map((w) => [
      w,
      {
        overall: windowStats(w, overall),
        intents: Object.fromEntries(Object.entries(intents).map(([name, spec]) => [name, windowStats(w, spec)])),
      },
    ]),
  ) as MetricsSnapshot['windows'];
  return { now, windows, series: [], totalCalls: overall.calls ?? 500 };
}
