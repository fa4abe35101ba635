import type { CallRecord } from '../../../shared/protocol.js';
import { BucketRing } from '../metrics/bucket-ring.js';

const BUCKET_MS = 10_000;
const WINDOW_MS = 5 * 60_000;
const WINDOW_BUCKETS = WINDOW_MS / BUCKET_MS;
const ALL_CALLS = 0;
const AGENT_CALLS = 1;
const AGENT_DURATION_MS = 2;

/**
 * Agent calls in progress, by Little's law: the agent's call rate over the last five minutes of
 * stream time times its mean call duration. The stream only reports calls once they end, so
 * this is the one honest figure for "calls a routing change will not touch". Fixed memory.
 */
export class InProgressEstimator {
  private readonly ring = new BucketRing(WINDOW_BUCKETS + 1, 3, 0);

  onCall(call: CallRecord): void {
    const endedAt = Date.parse(call.endedAt);
    const startedAt = Date.parse(call.startedAt);
    if (Number.isNaN(endedAt) || Number.isNaN(startedAt)) return;
    const slot = this.ring.claim(Math.floor(endedAt / BUCKET_MS));
    if (slot < 0) return;
    this.ring.add(slot, ALL_CALLS, 1);
    if (call.route !== 'agent') return;
    this.ring.add(slot, AGENT_CALLS, 1);
    this.ring.add(slot, AGENT_DURATION_MS, Math.max(0, endedAt - startedAt));
  }

  /** Rounded estimate at stream time `now`; null when no call at all ended in the window. */
  estimate(now: number | null): number | null {
    if (now === null) return null;
    const end = Math.floor(now / BUCKET_MS);
    let all = 0;
    let agent = 0;
    let durationMs = 0;
    for (let back = 1; back <= WINDOW_BUCKETS; back++) {
      const slot = this.ring.find(end - back);
      if (slot < 0) continue;
      all += this.ring.get(slot, ALL_CALLS);
      agent += this.ring.get(slot, AGENT_CALLS);
      durationMs += this.ring.get(slot, AGENT_DURATION_MS);
    }
    if (all === 0) return null;
    if (agent === 0) return 0;
    const ratePerSec = agent / (WINDOW_MS / 1000);
    const meanSec = durationMs / agent / 1000;
    return Math.round(ratePerSec * meanSec);
  }
}
