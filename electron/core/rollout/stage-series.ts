import type { StageFigures, StagePoint } from '../../../shared/rollout.js';

/**
 * A stage's figures through its whole hold in bounded memory: one point per period, and when a
 * stage outgrows the points kept, neighbouring points merge two into one (the newer figures of
 * the pair, as each point already covers its own window), so days of canary fit the same space
 * as hours.
 */

export const POINTS_KEPT = 192;
export const POINT_EVERY_MS = 15 * 60_000;

export function pointOf(figures: StageFigures, t: number): StagePoint {
  return {
    t,
    calls: figures.counts.calls,
    connected: figures.counts.connected,
    taskCompletion: figures.kpis.taskCompletion,
    turnLatencyP95: figures.kpis.turnLatencyP95,
  };
}

/** Adds a point when a period has passed since the last; returns whether it did. */
export function addPoint(series: StagePoint[], figures: StageFigures | null, t: number, everyMs = POINT_EVERY_MS): boolean {
  if (!figures) return false;
  const last = series.at(-1);
  const spacing = series.length >= 2 ? Math.max(everyMs, series[1]!.t - series[0]!.t) : everyMs;
  if (last && t - last.t < spacing) return false;
  series.push(pointOf(figures, t));
  if (series.length > POINTS_KEPT) {
    const merged: StagePoint[] = [];
    for (let i = 0; i < series.length; i += 2) merged.push(series[i + 1] ?? series[i]!);
    series.splice(0, series.length, ...merged);
  }
  return true;
}
