/** The KPI catalogue: one entry per figure the console computes, with its layer and launch target. */

export const KPI_IDS = [
  'callRate',
  'failedConnectionRate',
  'toolSuccess',
  'toolFailureRate',
  'modelErrorRate',
  'ttsFailures',
  'turnLatencyP50',
  'turnLatencyP95',
  'timeToFirstWordP95',
  'interruptionRate',
  'fallbackRate',
  'taskCompletion',
  'containment',
  'escalationCorrectness',
  'agentErrorRate',
  'piiEvents',
  'policyViolations',
  'injectionFlags',
] as const;
export type KpiId = (typeof KPI_IDS)[number];

export const LAYERS = ['connection', 'execution', 'experience', 'outcome', 'safety'] as const;
export type Layer = (typeof LAYERS)[number];

export type KpiUnit = 'perMin' | 'ratio' | 'ms' | 'count';

/**
 * What a KPI's value is a fraction of; the rule engine's minimum-sample check counts this.
 * 'allCalls' counts calls on every route, 'calls' only those the agent handled.
 */
export type KpiDenominator = 'allCalls' | 'calls' | 'connected' | 'agentTurns' | 'toolCalls' | 'escalations' | 'none';

export interface KpiTarget {
  /** 'max': the value must stay at or below `value`; 'min': at or above. */
  kind: 'max' | 'min';
  value: number;
}

export interface KpiDefinition {
  id: KpiId;
  label: string;
  layer: Layer;
  unit: KpiUnit;
  denominator: KpiDenominator;
  target?: KpiTarget;
  /** Values within this distance of a target are shown amber. */
  warnMargin?: number;
}

export const KPIS: Record<KpiId, KpiDefinition> = {
  callRate: { id: 'callRate', label: 'Call rate', layer: 'connection', unit: 'perMin', denominator: 'none' },
  failedConnectionRate: {
    id: 'failedConnectionRate', label: 'Failed connection rate', layer: 'connection', unit: 'ratio',
    denominator: 'calls', target: { kind: 'max', value: 0.02 }, warnMargin: 0.01,
  },
  toolSuccess: {
    id: 'toolSuccess', label: 'Tool-call success', layer: 'execution', unit: 'ratio',
    denominator: 'toolCalls', target: { kind: 'min', value: 0.97 }, warnMargin: 0.01,
  },
  toolFailureRate: {
    id: 'toolFailureRate', label: 'Tool-call failure rate', layer: 'execution', unit: 'ratio',
    denominator: 'toolCalls',
  },
  modelErrorRate: {
    id: 'modelErrorRate', label: 'Model error rate', layer: 'execution', unit: 'ratio',
    denominator: 'calls', target: { kind: 'max', value: 0.005 }, warnMargin: 0.002,
  },
  ttsFailures: { id: 'ttsFailures', label: 'TTS failures', layer: 'execution', unit: 'count', denominator: 'none' },
  turnLatencyP50: {
    id: 'turnLatencyP50', label: 'P50 turn latency', layer: 'experience', unit: 'ms', denominator: 'agentTurns',
  },
  turnLatencyP95: {
    id: 'turnLatencyP95', label: 'P95 turn latency', layer: 'experience', unit: 'ms',
    denominator: 'agentTurns', target: { kind: 'max', value: 1200 }, warnMargin: 150,
  },
  timeToFirstWordP95: {
    id: 'timeToFirstWordP95', label: 'Time to first word (P95)', layer: 'experience', unit: 'ms',
    denominator: 'connected', target: { kind: 'max', value: 1500 }, warnMargin: 200,
  },
  interruptionRate: {
    id: 'interruptionRate', label: 'Interruption rate', layer: 'experience', unit: 'ratio',
    denominator: 'agentTurns', target: { kind: 'max', value: 0.1 }, warnMargin: 0.03,
  },
  fallbackRate: {
    id: 'fallbackRate', label: 'Fallback rate', layer: 'outcome', unit: 'ratio',
    denominator: 'allCalls', target: { kind: 'max', value: 0.1 }, warnMargin: 0.03,
  },
  taskCompletion: {
    id: 'taskCompletion', label: 'Task completion', layer: 'outcome', unit: 'ratio',
    denominator: 'connected', target: { kind: 'min', value: 0.85 }, warnMargin: 0.03,
  },
  containment: { id: 'containment', label: 'Containment', layer: 'outcome', unit: 'ratio', denominator: 'connected' },
  escalationCorrectness: {
    id: 'escalationCorrectness', label: 'Escalation correctness', layer: 'outcome', unit: 'ratio',
    denominator: 'escalations', target: { kind: 'min', value: 0.9 }, warnMargin: 0.03,
  },
  agentErrorRate: {
    id: 'agentErrorRate', label: 'Agent-caused error rate', layer: 'execution', unit: 'ratio',
    denominator: 'calls', target: { kind: 'max', value: 0.005 }, warnMargin: 0.002,
  },
  piiEvents: {
    id: 'piiEvents', label: 'PII events', layer: 'safety', unit: 'count', denominator: 'none',
    target: { kind: 'max', value: 0 },
  },
  policyViolations: {
    id: 'policyViolations', label: 'Policy violations', layer: 'safety', unit: 'count', denominator: 'none',
    target: { kind: 'max', value: 0 },
  },
  injectionFlags: {
    id: 'injectionFlags', label: 'Prompt-injection flags', layer: 'safety', unit: 'count', denominator: 'none',
    target: { kind: 'max', value: 0 },
  },
};

export type KpiStatus = 'ok' | 'warn' | 'bad' | 'unknown';

/** Colour status of a value against its target: bad beyond it, warn within its margin. */
export function kpiStatus(def: KpiDefinition, value: number | null, target = def.target): KpiStatus {
  if (value === null || Number.isNaN(value)) return 'unknown';
  if (!target) return 'ok';
  const margin = def.warnMargin ?? 0;
  if (target.kind === 'max') {
    if (value > target.value) return 'bad';
    return margin > 0 && value > target.value - margin ? 'warn' : 'ok';
  }
  if (value < target.value) return 'bad';
  return margin > 0 && value < target.value + margin ? 'warn' : 'ok';
}

export const WINDOW_MINUTES = [1, 5, 15, 60] as const;
export type WindowMinutes = (typeof WINDOW_MINUTES)[number];

export type KpiValues = Record<KpiId, number | null>;

/** KPI values over one window for one scope, with the counts behind them. */
export interface WindowStats {
  windowMin: WindowMinutes;
  /** Calls on every route (agent, fallback, human). */
  allCalls: number;
  /** Calls the agent handled. */
  calls: number;
  connected: number;
  agentTurns: number;
  toolCalls: number;
  escalations: number;
  kpis: KpiValues;
  /** True when a stream gap or a late start leaves part of the window unobserved. */
  incomplete: boolean;
}

export interface ScopeWindows {
  overall: WindowStats;
  intents: Record<string, WindowStats>;
}

export interface SeriesPoint {
  /** Bucket start, epoch ms of stream time. */
  t: number;
  callRate: number;
  p95: number | null;
}

export interface MetricsSnapshot {
  /** Stream time the windows end at (epoch ms). */
  now: number;
  windows: Record<WindowMinutes, ScopeWindows>;
  series: SeriesPoint[];
  totalCalls: number;
}
