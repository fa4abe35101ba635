import { randomInt } from 'node:crypto';
import { describeZodError } from '../../../shared/protocol.js';
import type { CallRecord } from '../../../shared/protocol.js';
import { StartSamplingRequestSchema, type StoredSession } from '../../../shared/sampling.js';
import type { CallSampler } from './reservoir.js';
import type { SessionStore } from './session-store.js';
import { candidatesOf, takePoolSnapshot } from './pool-snapshot.js';
import { SamplingError, drawSample } from './stratify.js';

/**
 * Draws a stratified sample from the calls held now and saves it as a session with the sampled
 * calls' records and a snapshot of the pool it was drawn from. `request` is validated here,
 * since it arrives from the renderer.
 */
export async function startSamplingSession(
  sampler: CallSampler,
  sessions: SessionStore,
  request: unknown,
  createdBy: string,
  drawSeed: () => number = () => randomInt(0x1_0000_0000),
  now: () => number = Date.now,
): Promise<StoredSession> {
  const parsed = StartSamplingRequestSchema.safeParse(request);
  if (!parsed.success) throw new SamplingError(`invalid sampling request: ${describeZodError(parsed.error)}`);
  const { name, range, size, overweightFailures } = parsed.data;
  const seed = parsed.data.seed ?? drawSeed();
  const pool = sampler.pool(range);
  const snapshot = takePoolSnapshot(range, sampler.trafficIn(range), pool, now());
  const sample = drawSample({ pool: candidatesOf(snapshot), traffic: snapshot.traffic, size, range, seed, overweightFailures });
  if (sample.calls.length === 0) throw new SamplingError('no calls are held for that time range yet');
  const chosen = new Set(sample.calls);
  const drawn = pool.filter((k) => chosen.has(k.call.id));
  // Calls the kept-calls store masked already; any other is masked by the session store.
  const known = new Map(
    drawn.flatMap((k) => (k.maskedItems === undefined ? [] : [[k.call.id, { maskedItems: k.maskedItems, ...(k.original ? { original: k.original } : {}) }] as const])),
  );
  return sessions.createSession(
    { name, createdBy, seed, size, range, overweightFailures, callIds: sample.calls, allocation: sample.allocation, poolId: snapshot.id },
    drawn.map((k) => k.call),
    known,
    snapshot,
  );
}

/**
 * Draws again from the pool a session was drawn from, with its seed, size and weighting: the same
 * calls, saved as a new session of its own (a second reviewer, a fresh start).
 */
export async function redrawSession(sessions: SessionStore, sessionId: string, name: string, createdBy: string): Promise<StoredSession> {
  const original = sessions.get(sessionId);
  if (!original) throw new SamplingError(`sessionId: no sampling session ${sessionId}`);
  const { seed, size, range, overweightFailures, poolId } = original.session;
  const snapshot = poolId === undefined ? undefined : sessions.pool(poolId);
  if (!snapshot) throw new SamplingError(`session "${original.session.name}" was drawn before pools were recorded, so its draw cannot be repeated`);
  const sample = drawSample({ pool: candidatesOf(snapshot), traffic: snapshot.traffic, size, range, seed, overweightFailures });
  const byId = new Map(original.calls.map((c) => [c.id, c]));
  const missing = sample.calls.filter((id) => !byId.has(id));
  if (missing.length > 0) throw new SamplingError(`the redraw gave calls the session does not hold (${missing.join(', ')}): the pool snapshot does not match the session`);
  return sessions.createSession(
    { name, createdBy, seed, size, range, overweightFailures, callIds: sample.calls, allocation: sample.allocation, poolId: snapshot.id },
    sample.calls.map((id) => byId.get(id) as CallRecord),
    sessions.knownPii(sessionId),
  );
}
