import { createHash } from 'node:crypto';
import { z } from 'zod';
import { TimeRangeSchema, type IntentTraffic, type KeptCall, type TimeRange } from '../../../shared/sampling.js';
import type { DrawCandidate } from './stratify.js';

/**
 * What a sample was drawn from: the candidate calls held for the range at that moment (id,
 * stratum, end time, failure, whether the intent's reservoir held it) and the traffic counts the
 * allocation used. New calls replace held ones, so the same seed over the calls held later draws
 * other calls; over this snapshot it draws the same ones, always. The id is a digest of the
 * content: two draws with the same id drew from the same pool.
 */

export const PoolSnapshotSchema = z.object({
  id: z.string().min(1),
  range: TimeRangeSchema,
  takenAt: z.number().int().nonnegative(),
  traffic: z.array(z.object({ intent: z.string().min(1), traffic: z.number().int().nonnegative() })),
  /** [call id, stratum, endedAt ms, 1 when it has a failure signal, 1 when its intent's reservoir held it] */
  calls: z.array(z.tuple([z.string().min(1), z.string().min(1), z.number().int(), z.literal([0, 1]), z.literal([0, 1])])),
});
export type PoolSnapshot = z.infer<typeof PoolSnapshotSchema>;

export function takePoolSnapshot(
  range: TimeRange,
  traffic: readonly Pick<IntentTraffic, 'intent' | 'traffic'>[],
  pool: readonly KeptCall[],
  takenAt: number,
): PoolSnapshot {
  const calls = pool
    .map((k): PoolSnapshot['calls'][number] => [k.call.id, k.intent, k.endedAtMs, k.failure ? 1 : 0, k.uniform ? 1 : 0])
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const counts = traffic
    .map((t) => ({ intent: t.intent, traffic: t.traffic }))
    .sort((a, b) => (a.intent < b.intent ? -1 : a.intent > b.intent ? 1 : 0));
  const id = createHash('sha256').update(JSON.stringify([range.from, range.to, counts, calls])).digest('hex').slice(0, 12);
  return { id, range: { from: range.from, to: range.to }, takenAt, traffic: counts, calls };
}

export function candidatesOf(snapshot: PoolSnapshot): DrawCandidate[] {
  return snapshot.calls.map(([id, intent, endedAtMs, failure, uniform]) => ({
    call: { id },
    intent,
    endedAtMs,
    failure: failure === 1,
    uniform: uniform === 1,
  }));
}
