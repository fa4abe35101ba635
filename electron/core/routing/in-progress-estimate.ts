import type { InProgressEstimate } from '../../../shared/actions.js';
import { listOfIntents } from '../../../shared/action-text.js';
import { formatDuration } from '../../../shared/format.js';
import type { CallRecord } from '../../../shared/protocol.js';
import { BucketRing } from '../metrics/bucket-ring.js';

const BUCKET_MS = 10_000;
const WINDOW_MS = 5 * 60_000;
const WINDOW_BUCKETS = WINDOW_MS / BUCKET_MS;
const ALL_CALLS = 0;
/** Per intent (the configured ones, then one for any other): agent calls ended, their summed duration. */
const FIRST_INTENT = 1;

export interface InProgressFigure {
  calls: number;
  /** Agent calls of the counted intents that ended in the window, and their mean duration. */
  agentCallsEnded: number;
  meanDurationMs: number;
}

/**
 * Agent calls in progress, by Little's law: the agent's call rate over the last five minutes of
 * stream time times its mean call duration, per intent. The stream only reports calls once they
 * end, so this is the one honest figure for "calls a routing change will not touch", and it is
 * an estimate. Fixed memory: one counter pair per configured intent.
 */
export class InProgressEstimator {
  private readonly slotOf: Map<string, number>;
  private readonly other: number;
  private readonly ring: BucketRing;

  constructor(intents: readonly string[]) {
    this.slotOf = new Map(intents.map((intent, i) => [intent, i]));
    this.other = intents.length;
    this.ring = new BucketRing(WINDOW_BUCKETS + 1, FIRST_INTENT + 2 * (intents.length + 1), 0);
  }

  onCall(call: CallRecord): void {
    const endedAt = Date.parse(call.endedAt);
    const startedAt = Date.parse(call.startedAt);
    if (Number.isNaN(endedAt) || Number.isNaN(startedAt)) return;
    const slot = this.ring.claim(Math.floor(endedAt / BUCKET_MS));
    if (slot < 0) return;
    this.ring.add(slot, ALL_CALLS, 1);
    if (call.route !== 'agent') return;
    const at = FIRST_INTENT + 2 * (this.slotOf.get(call.intent) ?? this.other);
    this.ring.add(slot, at, 1);
    this.ring.add(slot, at + 1, Math.max(0, endedAt - startedAt));
  }

  /**
   * At stream time `now`, for the given intents (all when null); null when no call at all ended
   * in the window, since then nothing is known.
   */
  estimate(now: number | null, intents: readonly string[] | null = null): InProgressFigure | null {
    if (now === null) return null;
    const counted = intents === null ? null : new Set(intents.map((i) => this.slotOf.get(i) ?? this.other));
    const end = Math.floor(now / BUCKET_MS);
    let all = 0;
    let agent = 0;
    let durationMs = 0;
    for (let back = 1; back <= WINDOW_BUCKETS; back++) {
      const slot = this.ring.find(end - back);
      if (slot < 0) continue;
      all += this.ring.get(slot, ALL_CALLS);
      for (let k = 0; k <= this.other; k++) {
        if (counted && !counted.has(k)) continue;
        agent += this.ring.get(slot, FIRST_INTENT + 2 * k);
        durationMs += this.ring.get(slot, FIRST_INTENT + 2 * k + 1);
      }
    }
    if (all === 0) return null;
    if (agent === 0) return { calls: 0, agentCallsEnded: 0, meanDurationMs: 0 };
    const meanDurationMs = durationMs / agent;
    return { calls: Math.round((agent / WINDOW_MS) * meanDurationMs), agentCallsEnded: agent, meanDurationMs };
  }
}

/** The figure as the operator reads it: what it counts, what it rests on, and whether it is current. */
export function describeEstimate(
  figure: InProgressFigure | null,
  intents: readonly string[] | null,
  staleForMs: number | null,
): InProgressEstimate | null {
  if (!figure) return null;
  const which = intents === null || intents.length === 0 ? 'agent calls' : `agent ${listOfIntents(intents)} calls`;
  const basis =
    figure.agentCallsEnded === 0
      ? `estimated from the stream: no ${which} ended in the last ${formatDuration(WINDOW_MS)}`
      : `estimated from ${figure.agentCallsEnded} ${which} that ended in the last ${formatDuration(WINDOW_MS)} of the stream, ` +
        `lasting ${formatDuration(figure.meanDurationMs)} on average`;
  return { calls: figure.calls, intents: intents === null || intents.length === 0 ? null : [...intents], basis, staleForMs };
}
