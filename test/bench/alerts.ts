import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { io } from 'socket.io-client';
import { AlertRuleSchema, LaunchConfigSchema, type AlertRule } from '../../shared/config.js';
import { STREAM_NAMESPACE, type CallRecord } from '../../shared/protocol.js';
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
import { defaultRules } from '../../electron/core/alerts/default-rules.js';
import { ConsoleService } from '../../electron/core/console-service.js';
import { decodeCallId } from '../../sim/call-id.js';
import { FAULT_NAMES, type FaultName } from '../../sim/faults.js';
import { startSimulator } from '../../sim/server.js';

/**
 * Two figures. Cost of one alert tick: 50 rules (5 KPIs x 10 intents) evaluated and their
 * transitions logged, against a snapshot whose figures drift so that rules keep moving through
 * pending, firing and recovering, in microseconds per tick. And detection delay: from the first
 * bad call of a fault scenario reaching the console over loopback to the console announcing the
 * alert, minus the rule's pending period, with the real simulator, stream client and console
 * engine at its own tick rate. Prints figures; asserts nothing about speed.
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

/** Fast enough that a 15-minute pending period is 1.5 s of wall time, slow enough that the console keeps up. */
const DETECT_SPEED = 600;
const DETECT_RATE = 0.25;
const DETECT_RUNS = 3;

interface DetectCase {
  name: string;
  scenario: FaultName;
  ruleId: string;
  /** A call that shows the fault: made under it (its id carries the fault mask), and for a leak, leaking. */
  bad(call: CallRecord, underFault: boolean): boolean;
}

const DETECT_CASES: DetectCase[] = [
  { name: 'piiLeak', scenario: 'pii-leak', ruleId: 'pii-event', bad: (call, underFault) => underFault && call.safety.pii > 0 },
  { name: 'latencySpike', scenario: 'latency-spike', ruleId: 'turn-latency-p95', bad: (call, underFault) => underFault && call.route === 'agent' },
];

/**
 * One run: healthy traffic until the rules have a sample, then the fault. Returns wall ms from
 * the first bad call's arrival to the rule's notification, minus the pending period in wall time.
 */
async function detectionDelayMs({ scenario, ruleId, bad }: DetectCase, seed: number): Promise<number> {
  const rule = defaultRules().find((r) => r.id === ruleId);
  if (!rule) throw new Error(`no default rule ${ruleId}`);
  const sim = await startSimulator({ speed: DETECT_SPEED, rate: DETECT_RATE, seed });
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-alerts-'));
  const config = LaunchConfigSchema.parse({ stream: { url: sim.url }, routing: { baseUrl: sim.url } });
  const service = await ConsoleService.open({ config, dataDir, routingToken: sim.token });
  const observer = io(`${sim.url}${STREAM_NAMESPACE}`, { transports: ['websocket'], reconnection: false });
  const mask = 1 << FAULT_NAMES.indexOf(scenario);
  let firstBadAt: number | null = null;
  try {
    const announced = new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${ruleId} did not fire within 60 s of ${scenario}`)), 60_000);
      service.onPush((p) => {
        if (p.kind === 'notification' && p.id.startsWith(`alert:${ruleId}:`)) {
          clearTimeout(timer);
          resolve(performance.now());
        }
      });
    });
    observer.on('call', (e: { call: CallRecord }) => {
      const underFault = ((decodeCallId(e.call.id)?.faultMask ?? 0) & mask) !== 0;
      if (firstBadAt === null && bad(e.call, underFault)) firstBadAt = performance.now();
    });
    service.start();
    // Six minutes of healthy launch first, so the 5-minute windows hold their minimum sample.
    await new Promise((r) => setTimeout(r, (6 * 60_000) / DETECT_SPEED));
    sim.setFault(scenario, true);
    const firedAt = await announced;
    if (firstBadAt === null) throw new Error(`no call made under ${scenario} reached the observer`);
    return firedAt - firstBadAt - (rule.pendingMin * 60_000) / DETECT_SPEED;
  } finally {
    observer.close();
    await service.stop();
    await sim.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function benchDetection(): Promise<Record<string, number>> {
  const figures: Record<string, number> = { detectSpeed: DETECT_SPEED };
  for (const c of DETECT_CASES) {
    const runs: number[] = [];
    for (let i = 0; i < DETECT_RUNS; i++) runs.push(await detectionDelayMs(c, 40 + i));
    runs.sort((a, b) => a - b);
    figures[`${c.name}DetectMedianMs`] = percentile(runs, 0.5);
    figures[`${c.name}DetectMaxMs`] = runs.at(-1) ?? Number.NaN;
  }
  return figures;
}

export async function benchAlerts(ticks = 10_000): Promise<Record<string, number>> {
  return { ...benchEvaluation(ticks), ...(await benchDetection()) };
}

function benchEvaluation(ticks: number): Record<string, number> {
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
    console.log(`${name.padEnd(28)} ${Number.isInteger(value) ? value : value.toFixed(1)}`);
  }
}
