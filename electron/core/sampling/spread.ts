import type { SpreadRow } from '../../../shared/bridge.js';
import type { IntentTraffic, SamplingSession } from '../../../shared/sampling.js';

/**
 * The sample's spread beside the traffic's, per intent: the allocation recorded at the draw, and
 * how often the intent's calls carried a failure signal, from the hourly counts held now (null
 * once those hours have left the ring).
 */
export function sampleSpread(session: SamplingSession, trafficNow: readonly IntentTraffic[]): SpreadRow[] {
  const counts = new Map(trafficNow.map((t) => [t.intent, t]));
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
    };
  });
}
