import { pathToFileURL } from 'node:url';
import { AlertRuleSchema, type AlertRule } from '../../shared/config.js';
import type { RuleState } from '../../shared/alerts.js';
import {
  KPI_IDS,
  WINDOW_MINUTES,
  type KpiId,
  type KpiValues,
  type MetricsSnapshot,
  type WindowStats,
} from '../../shared/kpi.js';
import { evaluateRules } from '../../electron/core/alerts/rule-engine.js';
import { AlertLog } from '../../electron/core/alerts/alert-log.js';

/**
 * Cost of one alert tick: 50 rules (5 KPIs x 10 intents) evaluated and their transitions logged,
 * against a snapshot whose figures drift so that rules keep moving through pending, firing and
 * recovering. Prints microseconds per tick; asserts nothing about speed.
 */

const INTENTS = Array.from({ length: 10 }, (_, i) => `intent_${i}`);
const RULE_KPIS: { kpi: KpiId; comparison: 'above' | 'below'; threshold: number; clear: number }[] = [
  { kpi: 'turnLatencyP95', comparison: 'above', threshold: 1200, clear: 1100 },
  { kpi: 'taskCompletion', comparison: 'below', threshold: 0.85, clear: 0.87 },
  { kpi: 'agentErrorRate', comparison: 'above', threshold: 0.005, clear: 0.004 },
  { kpi: 'fallbackRate', comparison: 'above', threshold: 0.1, clear: 0.08 },
  { kpi: 'piiEvents', comparison: 'above', threshold: 0, clear: 0 },
];

function benchRules(): AlertRule[] {
  return INTENTS.flatMap((intent) =>
    RULE_KPIS.map((k) =>
      AlertRuleSchema.parse({
        id: `${k.kpi}:${intent}`,
        name: `${k.kpi} for ${intent}`,
        kpi: k.kpi,
        scope: intent,
        comparison: k.comparison,
        threshold: k.threshold,
        clearThreshold: k.clear,
        pendingMin: 1,
        recoveryMin: 1,
        minSample: 20,
        severity: 'critical',
      }),
    ),
  );
}

function windowStats(windowMin: WindowStats['windowMin'], tick: number, phase: number): WindowStats {
  const kpis = Object.fromEntries(KPI_IDS.map((k) => [k, null])) as KpiValues;
  const wave = Math.sin((tick + phase * 97) / 400);
  kpis.turnLatencyP95 = 1150 + 120 * wave;
  kpis.taskCompletion = 0.87 - 0.04 * wave;
  kpis.agentErrorRate = 0.004 + 0.002 * wave;
  kpis.fallbackRate = 0.09 + 0.03 * wave;
  kpis.piiEvents = wave > 0.95 ? 1 : 0;
  const calls = 15 + Math.round(20 * Math.abs(wave));
  return {
    windowMin, allCalls: calls, calls, connected: calls, agentTurns: calls * 6, toolCalls: calls * 2,
    escalations: Math.round(calls / 10), kpis, incomplete: false,
  };
}

function benchSnapshot(now: number, tick: number): MetricsSnapshot {
  const windows = Object.fromEntries(
    WINDOW_MINUTES.map((w) => [
      w,
      {
        overall: windowStats(w, tick, 0),
        intents: Object.fromEntries(INTENTS.map((name, i) => [name, windowStats(w, tick, i + 1)])),
      },
    ]),
  ) as MetricsSnapshot['windows'];
  return { now, windows, series: [], totalCalls: tick };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}

export async function benchAlerts(ticks = 10_000): Promise<Record<string, number>> {
  const rules = benchRules();
  const log = new AlertLog();
  const t0 = Date.UTC(2025, 5, 2, 9, 0, 0);
  let states: Map<string, RuleState> = new Map();
  let transitions = 0;
  const micros: number[] = [];
  for (let tick = 0; tick < ticks; tick++) {
    // One tick per stream second: 10,000 ticks cover close to three hours of launch.
    const now = t0 + tick * 1000;
    const input = { now, snapshot: benchSnapshot(now, tick), stale: false, baselines: {} };
    const start = process.hrtime.bigint();
    const result = evaluateRules(rules, states, input);
    log.record(result.transitions);
    micros.push(Number(process.hrtime.bigint() - start) / 1000);
    states = result.states;
    transitions += result.transitions.length;
  }
  micros.sort((a, b) => a - b);
  return {
    rules: rules.length,
    intents: INTENTS.length,
    ticks,
    transitions,
    tickMedianUs: percentile(micros, 0.5),
    tickP99Us: percentile(micros, 0.99),
    tickMaxUs: micros.at(-1) ?? Number.NaN,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const figures = await benchAlerts();
  for (const [name, value] of Object.entries(figures)) {
    console.log(`${name.padEnd(14)} ${Number.isInteger(value) ? value : value.toFixed(1)}`);
  }
}
