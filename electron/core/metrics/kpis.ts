import type { KpiValues } from '../../../shared/kpi.js';
import type { WindowCounters } from './call-tally.js';
import type { LatencyHistogram } from './histogram.js';

export interface WindowLatencies {
  /** Latencies of agent turns in agent calls. */
  turnLatency: LatencyHistogram;
  /** First agent turn's latency of each connected agent call. */
  firstWord: LatencyHistogram;
}

/** A ratio with nothing to divide by is "no data", which must not read as 0 or as NaN. */
function ratio(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole;
}

/** The KPI catalogue's values for one window, from the window's summed counters and latencies. */
export function computeKpis(c: WindowCounters, latency: WindowLatencies, windowMin: number): KpiValues {
  return {
    callRate: c.allCalls / windowMin,
    failedConnectionRate: ratio(c.agentCalls - c.connected, c.agentCalls),
    toolSuccess: ratio(c.toolOk, c.toolCalls),
    toolFailureRate: ratio(c.toolCalls - c.toolOk, c.toolCalls),
    modelErrorRate: ratio(c.modelErrorCalls, c.agentCalls),
    ttsFailures: c.ttsFailures,
    turnLatencyP50: latency.turnLatency.quantile(0.5),
    turnLatencyP95: latency.turnLatency.quantile(0.95),
    timeToFirstWordP95: latency.firstWord.quantile(0.95),
    interruptionRate: ratio(c.interruptedTurns, c.agentTurns),
    fallbackRate: ratio(c.fallbackCalls, c.allCalls),
    taskCompletion: ratio(c.completed, c.connected),
    containment: ratio(c.contained, c.connected),
    escalationCorrectness: ratio(c.escalationsCorrect, c.escalationsRequested),
    agentErrorRate: ratio(c.agentErrorCalls, c.agentCalls),
    piiEvents: c.pii,
    policyViolations: c.policy,
    injectionFlags: c.injection,
  };
}
