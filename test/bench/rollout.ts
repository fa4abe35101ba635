/**
 * Memory of the staged rollout's per-stage records over 14 simulated days: the ladder observed once
 * a minute of launch time, promoted as soon as each hold has passed, a critical alert every six
 * hours, and each stage's figures kept as its bounded series. The KPI history the figures come
 * from has its own bench; this measures what the ladder itself keeps and rewrites.
 *
 *   npx tsx test/bench/rollout.ts
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LaunchConfigSchema } from '../../shared/config.js';
import type { StageFigures } from '../../shared/rollout.js';
import { currentSpan, holdRemaining, initialLadder, noteCriticalAlert, observe } from '../../electron/core/rollout/ladder.js';
import { addPoint } from '../../electron/core/rollout/stage-series.js';
import { findGc } from './gc.js';

const MIN = 60_000;
const DAYS = 14;
const START = Date.UTC(2026, 3, 1, 8);

function figures(t: number): StageFigures {
  const kpis = { taskCompletion: 0.88 + 0.02 * Math.sin(t / 3_600_000), turnLatencyP95: 900 + (t % 7) * 10 } as StageFigures['kpis'];
  return { label: 'figures over the stage', from: START, to: t, counts: { allCalls: 5000, calls: 1000, connected: 950, agentTurns: 8000, toolCalls: 900, escalations: 40 }, kpis };
}

export async function benchRollout(): Promise<Record<string, number>> {
  const gc = findGc();
  const { stages } = LaunchConfigSchema.parse({}).rollout;
  gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const state = initialLadder();
  let share = stages[0]!.share;
  const t0 = performance.now();
  let ticks = 0;
  for (let t = START; t <= START + DAYS * 24 * 60 * MIN; t += MIN) {
    const f = figures(t);
    observe(state, stages, { share, mode: 'live', agentVersion: 'v2' }, t, f);
    if ((t - START) % (6 * 60 * MIN) === 0) noteCriticalAlert(state, { ruleId: 'turn-latency-p95', name: 'P95 turn latency', at: t });
    addPoint(currentSpan(state)!.series, f, t);
    const next = state.current === null ? undefined : stages[state.current + 1];
    if (next && holdRemaining(state, stages, t) === 0) {
      state.promoting = { to: next.share, by: 'Dana', at: t };
      share = next.share;
    }
    ticks += 1;
  }
  const tickUs = ((performance.now() - t0) * 1000) / ticks;
  const doc = JSON.stringify({ version: 1, ladder: state });
  gc?.();
  const heapAfter = process.memoryUsage().heapUsed;
  return {
    simulatedDays: DAYS,
    stagesEntered: state.spans.length,
    pointsKept: state.spans.reduce((n, s) => n + s.series.length, 0),
    ladderDocKb: Math.round(doc.length / 102.4) / 10,
    heapMbHeld: Math.round((Math.max(0, heapAfter - heapBefore) / 1_048_576) * 10) / 10,
    tickMicros: Math.round(tickUs * 10) / 10,
  };
}

if (resolve(process.argv[1] ?? '') === fileURLToPath(import.meta.url)) console.log(await benchRollout());
