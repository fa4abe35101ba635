import type { SpreadRow } from '../../../shared/bridge.js';
import type { CallRecord } from '../../../shared/protocol.js';
import { OTHER_INTENTS, type IntentTraffic, type SamplingSession } from '../../../shared/sampling.js';

/**
 * The sample's spread beside the traffic's, per intent: the allocation recorded at the draw, how
 * often the intent's calls carried a failure signal, from the hourly counts held now (null once
 * those hours have left the ring), and how the sampled calls ended.
 */
export function sampleSpread(session: SamplingSession, calls: readonly CallRecord[], trafficNow: readonly IntentTraffic[]): SpreadRow[] {
  const counts = new Map(trafficNow.map((t) => [t.intent, t]));
  const strata = new Set(session.allocation.map((r) => r.intent));
  const outcomes = new Map<string, SpreadRow['sampledOutcomes']>();
  for (const call of calls) {
    const stratum = strata.has(call.intent) ? call.intent : OTHER_INTENTS;
    const row = outcomes.get(stratum) ?? {};
    row[call.outcome] = (row[call.outcome] ?? 0) + 1;
    outcomes.set(stratum, row);
  }
  return session.allocation.map((row) => {
    const now = counts.get(row.intent);
    return {
      intent: row.intent,
      traffic: row.traffic,
      share: row.share,
      ideal: row.ideal,
      sampled: row.sampled,
      trafficFailureShare: now && now.traffic > 0 ? now.failures / now.traffic : null,
      failuresSampled: row.failuresSampled,
      sampledOutcomes: outcomes.get(row.intent) ?? {},
    };
  });
}
