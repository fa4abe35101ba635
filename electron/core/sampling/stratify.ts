import { z } from 'zod';
import { describeZodError } from '../../../shared/protocol.js';
import {
  SAMPLE_SIZE,
  SeedSchema,
  TimeRangeSchema,
  type AllocationRow,
  type IntentTraffic,
  type KeptCall,
  type TimeRange,
} from '../../../shared/sampling.js';
import { createPrng, type Prng } from './prng.js';

/** What a draw needs of a held call; a kept call is one, and so is a call of a pool snapshot. */
export type DrawCandidate = Pick<KeptCall, 'intent' | 'endedAtMs' | 'failure' | 'uniform'> & { call: { id: string } };

export interface DrawSampleInput {
  pool: readonly DrawCandidate[];
  /** Calls per intent in the range; intents missing here get no share of the sample. */
  traffic: readonly Pick<IntentTraffic, 'intent' | 'traffic'>[];
  size?: number;
  range: TimeRange;
  seed: number;
  overweightFailures: boolean;
}

export interface DrawnSample {
  /** Call ids in the order they ended. */
  calls: string[];
  /** Intents with traffic in the range, busiest first. */
  allocation: AllocationRow[];
}

export class SamplingError extends Error {}

const ParamsSchema = z.object({
  size: z
    .number({ error: 'must be a number of calls' })
    .int('must be a whole number of calls')
    .min(SAMPLE_SIZE.min, { error: (i) => `must be ${SAMPLE_SIZE.min} to ${SAMPLE_SIZE.max} calls, got ${String(i.input)}` })
    .max(SAMPLE_SIZE.max, { error: (i) => `must be ${SAMPLE_SIZE.min} to ${SAMPLE_SIZE.max} calls, got ${String(i.input)}` }),
  range: TimeRangeSchema,
  seed: SeedSchema,
  overweightFailures: z.boolean(),
});

interface Stratum {
  intent: string;
  traffic: number;
  /** Held by the intent's reservoir: a uniform draw over its traffic. Sorted by id. */
  uniform: DrawCandidate[];
  /** Held only by the failure set. Sorted by id. */
  extra: DrawCandidate[];
  quota: number;
  take: number;
}

/**
 * Draws a stratified sample: every intent with traffic in the range gets at least one call when
 * the pool holds one, the rest are shared out in proportion to traffic by largest remainder, so
 * each intent lands within one call of its ideal whenever the minimums and the pool allow it.
 * The same inputs and seed give the same sample, whatever order the pool arrives in.
 */
export function drawSample(input: DrawSampleInput): DrawnSample {
  const parsed = ParamsSchema.safeParse({
    size: input.size ?? SAMPLE_SIZE.default,
    range: input.range,
    seed: input.seed,
    overweightFailures: input.overweightFailures,
  });
  if (!parsed.success) throw new SamplingError(`invalid sample request: ${describeZodError(parsed.error)}`);
  const { size, range, seed, overweightFailures } = parsed.data;

  const strata = buildStrata(input.pool, input.traffic, range);
  const totalTraffic = strata.reduce((s, x) => s + x.traffic, 0);
  const eligible = chooseEligible(strata, size);
  allocate(eligible, size);

  const rng = createPrng(seed);
  const picked: DrawCandidate[] = [];
  const failuresSampled = new Map<string, number>();
  for (const s of [...eligible].sort((a, b) => compareText(a.intent, b.intent))) {
    const calls = pickCalls(s, overweightFailures, rng);
    picked.push(...calls);
    failuresSampled.set(s.intent, calls.filter((c) => c.failure).length);
  }

  const taken = new Map(eligible.map((s) => [s.intent, s.take]));
  return {
    calls: picked.sort((a, b) => a.endedAtMs - b.endedAtMs || compareText(a.call.id, b.call.id)).map((c) => c.call.id),
    allocation: strata.map((s) => ({
      intent: s.intent,
      traffic: s.traffic,
      share: totalTraffic > 0 ? s.traffic / totalTraffic : 0,
      ideal: totalTraffic > 0 ? (size * s.traffic) / totalTraffic : 0,
      sampled: taken.get(s.intent) ?? 0,
      failuresSampled: failuresSampled.get(s.intent) ?? 0,
    })),
  };
}

function buildStrata(pool: readonly DrawCandidate[], traffic: DrawSampleInput['traffic'], range: TimeRange): Stratum[] {
  const byIntent = new Map<string, Stratum>();
  for (const t of traffic) {
    if (t.traffic <= 0) continue;
    const s = byIntent.get(t.intent);
    if (s) s.traffic += t.traffic;
    else byIntent.set(t.intent, { intent: t.intent, traffic: t.traffic, uniform: [], extra: [], quota: 0, take: 0 });
  }
  const seen = new Map<string, DrawCandidate>();
  for (const c of pool) {
    if (c.endedAtMs < range.from || c.endedAtMs >= range.to || !byIntent.has(c.intent)) continue;
    const prior = seen.get(c.call.id);
    seen.set(c.call.id, prior ? { ...prior, uniform: prior.uniform || c.uniform } : c);
  }
  for (const c of seen.values()) {
    const s = byIntent.get(c.intent);
    if (s) (c.uniform ? s.uniform : s.extra).push(c);
  }
  const strata = [...byIntent.values()];
  for (const s of strata) {
    s.uniform.sort(byId);
    s.extra.sort(byId);
  }
  return strata.sort((a, b) => b.traffic - a.traffic || compareText(a.intent, b.intent));
}

/** Intents that can be sampled; when there are more than calls to give, the busiest `size` of them. */
function chooseEligible(strata: Stratum[], size: number): Stratum[] {
  return strata.filter((s) => s.uniform.length + s.extra.length > 0).slice(0, size);
}

/** Largest remainder with a floor of one call per intent and a ceiling of what the pool holds. */
function allocate(eligible: Stratum[], size: number): void {
  const traffic = eligible.reduce((s, x) => s + x.traffic, 0);
  const available = (s: Stratum): number => s.uniform.length + s.extra.length;
  const seats = Math.min(size, eligible.reduce((n, s) => n + available(s), 0));
  for (const s of eligible) {
    s.quota = (seats * s.traffic) / traffic;
    s.take = Math.min(available(s), Math.max(1, Math.floor(s.quota)));
  }
  let given = eligible.reduce((n, s) => n + s.take, 0);
  // Each step moves one call to or from the intent furthest from its quota, ties to the busier intent.
  while (given < seats) {
    const best = pickBy(eligible.filter((s) => s.take < available(s)), (s) => s.quota - s.take);
    if (!best) break;
    best.take += 1;
    given += 1;
  }
  while (given > seats) {
    const worst = pickBy(eligible.filter((s) => s.take > 1), (s) => s.take - s.quota);
    if (!worst) break;
    worst.take -= 1;
    given -= 1;
  }
}

/** The stratum with the highest score; strata arrive busiest first, so ties go to the busier. */
function pickBy(strata: Stratum[], score: (s: Stratum) => number): Stratum | undefined {
  let best: Stratum | undefined;
  for (const s of strata) if (!best || score(s) > score(best)) best = s;
  return best;
}

/**
 * Uniform calls first, so without weighting the sample stays a uniform draw over the intent's
 * traffic. With weighting, half the intent's calls (rounded up) come from its failures when it has them.
 */
function pickCalls(s: Stratum, overweightFailures: boolean, rng: Prng): DrawCandidate[] {
  if (!overweightFailures) {
    const fromUniform = pickRandom(s.uniform, s.take, rng);
    return [...fromUniform, ...pickRandom(s.extra, s.take - fromUniform.length, rng)];
  }
  const all = [...s.uniform, ...s.extra];
  const fromFailures = pickRandom(all.filter((c) => c.failure), Math.ceil(s.take / 2), rng);
  const fromOthers = pickRandom(s.uniform.filter((c) => !c.failure), s.take - fromFailures.length, rng);
  const picked = new Set([...fromFailures, ...fromOthers]);
  const rest = all.filter((c) => !picked.has(c));
  return [...picked, ...pickRandom(rest, s.take - picked.size, rng)];
}

/** k distinct items by a partial Fisher-Yates shuffle of a copy. */
function pickRandom<T>(items: readonly T[], k: number, rng: Prng): T[] {
  const a = [...items];
  const n = Math.min(Math.max(k, 0), a.length);
  for (let i = 0; i < n; i++) {
    const j = i + rng.int(a.length - i);
    const tmp = a[i] as T;
    a[i] = a[j] as T;
    a[j] = tmp;
  }
  return a.slice(0, n);
}

function byId(a: DrawCandidate, b: DrawCandidate): number {
  return compareText(a.call.id, b.call.id);
}

/** Code-unit order, not locale order: the same on every machine, so a seed reproduces everywhere. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
