import { randomInt } from 'node:crypto';
import { describeZodError } from '../../../shared/protocol.js';
import { StartSamplingRequestSchema, type StoredSession } from '../../../shared/sampling.js';
import type { CallSampler } from './reservoir.js';
import type { SessionStore } from './session-store.js';
import { SamplingError, drawSample } from './stratify.js';

/**
 * Draws a stratified sample from the calls held now and saves it as a session with the sampled
 * calls' records. `request` is validated here, since it arrives from the renderer.
 */
export async function startSamplingSession(
  sampler: CallSampler,
  sessions: SessionStore,
  request: unknown,
  createdBy: string,
  drawSeed: () => number = () => randomInt(0x1_0000_0000),
): Promise<StoredSession> {
  const parsed = StartSamplingRequestSchema.safeParse(request);
  if (!parsed.success) throw new SamplingError(`invalid sampling request: ${describeZodError(parsed.error)}`);
  const { name, range, size, overweightFailures } = parsed.data;
  const seed = parsed.data.seed ?? drawSeed();
  const pool = sampler.pool(range);
  const sample = drawSample({ pool, traffic: sampler.trafficIn(range), size, range, seed, overweightFailures });
  if (sample.calls.length === 0) throw new SamplingError('no calls are held for that time range yet');
  const chosen = new Set(sample.calls);
  const drawn = pool.filter((k) => chosen.has(k.call.id));
  // Calls the kept-calls store masked already; any other is masked by the session store.
  const known = new Map(
    drawn.flatMap((k) => (k.maskedItems === undefined ? [] : [[k.call.id, { maskedItems: k.maskedItems, ...(k.original ? { original: k.original } : {}) }] as const])),
  );
  return sessions.createSession(
    { name, createdBy, seed, size, range, overweightFailures, callIds: sample.calls, allocation: sample.allocation },
    drawn.map((k) => k.call),
    known,
  );
}
