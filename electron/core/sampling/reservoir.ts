import type { CallRecord } from '../../../shared/protocol.js';
import {
  OTHER_INTENTS,
  hasFailureSignal,
  type HourTraffic,
  type IntentTraffic,
  type KeptCall,
  type TimeRange,
} from '../../../shared/sampling.js';
import { HourlyTraffic } from './hourly-traffic.js';
import type { Prng } from './prng.js';
import type { Sealed } from './pii-vault.js';

/**
 * Vitter's Algorithm R: after n offers each offered item is held with probability capacity / n,
 * in memory that never exceeds `capacity` items.
 */
export class Reservoir<T> {
  private readonly slots: T[] = [];
  private offered = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
  }

  /** Returns the slot the item took, or -1 when it was not kept. */
  offer(item: T, rng: Prng): number {
    this.offered += 1;
    if (this.slots.length < this.capacity) {
      this.slots.push(item);
      return this.slots.length - 1;
    }
    const j = rng.int(this.offered);
    if (j >= this.capacity) return -1;
    this.slots[j] = item;
    return j;
  }

  get items(): readonly T[] {
    return this.slots;
  }

  get seen(): number {
    return this.offered;
  }

  /** Replaces the contents with saved ones; more items than the capacity are dropped from the end. */
  restore(items: readonly T[], seen: number): void {
    this.slots.length = 0;
    this.slots.push(...items.slice(0, this.capacity));
    this.offered = Math.max(seen, this.slots.length);
  }
}

/** A kept call as held in memory; one object shared when both pools hold the call. */
export interface KeptEntry {
  /** Masked once the store keeps it. */
  call: CallRecord;
  intent: string;
  endedAtMs: number;
  failure: boolean;
  /** Personal data items masked in `call`. */
  maskedItems?: number;
  /** The unmasked call, encrypted; absent when nothing was masked, no key is set, or its retention passed. */
  original?: Sealed;
}

/** A kept call as drawn from, with what the store knows of its personal data. */
export type PooledCall = KeptCall & Pick<KeptEntry, 'maskedItems' | 'original'>;

export type PoolName = 'intent' | 'failures';
export interface Placement {
  pool: PoolName;
  index: number;
}

export interface OfferResult {
  entry: KeptEntry;
  /** False when the call's hour has already left the traffic ring, so it was not counted there. */
  counted: boolean;
  /** Empty when the call was not kept. */
  placements: readonly Placement[];
}

export interface CallSamplerOptions {
  rng: Prng;
  /** Calls held per intent (default 200). */
  perIntent?: number;
  /** Intents with reservoirs of their own (default 50); later intents share OTHER_INTENTS. */
  maxIntents?: number;
  /** Calls with a failure signal held over the whole launch (default 2000). */
  failureCap?: number;
  /** Hours of per-intent traffic counts kept (default 72). */
  hours?: number;
}

export const SAMPLER_DEFAULTS = { perIntent: 200, maxIntents: 50, failureCap: 2000, hours: 72 } as const;

const NOT_KEPT: readonly Placement[] = [];

/**
 * The calls held for sampling over the whole launch: a uniform reservoir per intent, a uniform
 * reservoir over every call with a failure signal, and hourly traffic counts per intent so a
 * sample's proportions can be computed for any time range. Memory is bounded by
 * perIntent x (maxIntents + 1) + failureCap calls, whatever the launch's length.
 */
export class CallSampler {
  readonly perIntent: number;
  readonly maxIntents: number;
  readonly failureCap: number;
  readonly traffic: HourlyTraffic;
  private readonly rng: Prng;
  private readonly byIntent = new Map<string, Reservoir<KeptEntry>>();
  private readonly failureSet: Reservoir<KeptEntry>;

  constructor(options: CallSamplerOptions) {
    this.rng = options.rng;
    this.perIntent = options.perIntent ?? SAMPLER_DEFAULTS.perIntent;
    this.maxIntents = options.maxIntents ?? SAMPLER_DEFAULTS.maxIntents;
    this.failureCap = options.failureCap ?? SAMPLER_DEFAULTS.failureCap;
    this.failureSet = new Reservoir(this.failureCap);
    this.traffic = new HourlyTraffic(options.hours ?? SAMPLER_DEFAULTS.hours);
  }

  /** The most calls this sampler can ever hold. */
  get capacity(): number {
    return this.perIntent * (this.maxIntents + 1) + this.failureCap;
  }

  /** Counts one finished call and maybe keeps it; `endedAtMs` saves re-parsing when the caller has it. */
  offer(call: CallRecord, endedAtMs = Date.parse(call.endedAt)): OfferResult {
    if (!Number.isFinite(endedAtMs)) throw new RangeError(`call ${call.id}: endedAt ${call.endedAt} is not a timestamp`);
    const intent = this.stratumFor(call.intent);
    const failure = hasFailureSignal(call);
    const entry: KeptEntry = { call, intent, endedAtMs, failure };
    const counted = this.traffic.add(intent, endedAtMs, 1, failure ? 1 : 0);
    const i = this.reservoirOf(intent).offer(entry, this.rng);
    const f = failure ? this.failureSet.offer(entry, this.rng) : -1;
    if (i < 0 && f < 0) return { entry, counted, placements: NOT_KEPT };
    const placements: Placement[] = [];
    if (i >= 0) placements.push({ pool: 'intent', index: i });
    if (f >= 0) placements.push({ pool: 'failures', index: f });
    return { entry, counted, placements };
  }

  /** Every kept call (once, however many pools hold it) that ended in the range, or all of them. */
  pool(range?: TimeRange): PooledCall[] {
    const out = new Map<KeptEntry, PooledCall>();
    const within = (e: KeptEntry): boolean => !range || (e.endedAtMs >= range.from && e.endedAtMs < range.to);
    for (const reservoir of this.byIntent.values()) {
      for (const e of reservoir.items) if (within(e)) out.set(e, { ...e, uniform: true });
    }
    for (const e of this.failureSet.items) if (within(e) && !out.has(e)) out.set(e, { ...e, uniform: false });
    return [...out.values()];
  }

  trafficIn(range: TimeRange): IntentTraffic[] {
    return this.traffic.inRange(range);
  }

  trafficSeries(range: TimeRange, intent?: string): HourTraffic[] {
    return this.traffic.series(range, intent);
  }

  /** Distinct calls held now. */
  keptCount(): number {
    const entries = new Set<KeptEntry>(this.failureSet.items);
    for (const r of this.byIntent.values()) for (const e of r.items) entries.add(e);
    return entries.size;
  }

  stats(): { intents: { intent: string; seen: number; kept: number }[]; failuresSeen: number; failuresKept: number } {
    return {
      intents: [...this.byIntent].map(([intent, r]) => ({ intent, seen: r.seen, kept: r.items.length })),
      failuresSeen: this.failureSet.seen,
      failuresKept: this.failureSet.items.length,
    };
  }

  /** The reservoirs' contents with their slots, intents in the order they first appeared. */
  slots(): { intent: string; items: readonly KeptEntry[] }[] {
    return [...this.byIntent].map(([intent, r]) => ({ intent, items: r.items }));
  }

  failureSlots(): readonly KeptEntry[] {
    return this.failureSet.items;
  }

  /** Calls offered for this intent (its stratum) so far. */
  seenOf(intent: string): number {
    return this.byIntent.get(intent)?.seen ?? 0;
  }

  get failuresSeen(): number {
    return this.failureSet.seen;
  }

  /** Calls offered per intent, in the order intents first appeared. */
  seenByIntent(): [intent: string, seen: number][] {
    return [...this.byIntent].map(([intent, r]) => [intent, r.seen]);
  }

  /** Replaces an intent's reservoir with saved contents; intents are created in call order. */
  restoreIntent(intent: string, items: readonly KeptEntry[], seen: number): void {
    this.reservoirOf(intent).restore(items, seen);
  }

  restoreFailures(items: readonly KeptEntry[], seen: number): void {
    this.failureSet.restore(items, seen);
  }

  private stratumFor(intent: string): string {
    if (this.byIntent.has(intent)) return intent;
    return this.byIntent.size < this.maxIntents ? intent : OTHER_INTENTS;
  }

  private reservoirOf(intent: string): Reservoir<KeptEntry> {
    let r = this.byIntent.get(intent);
    if (!r) {
      r = new Reservoir(this.perIntent);
      this.byIntent.set(intent, r);
    }
    return r;
  }
}
