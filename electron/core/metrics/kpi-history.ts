import type { KpiValues } from '../../../shared/kpi.js';
import type { CallRecord } from '../../../shared/protocol.js';
import { COUNTER, COUNTER_COUNT, countersFromArray, newCallTally, tallyCall } from './call-tally.js';
import { binOf, LatencyHistogram } from './histogram.js';
import {
  expandInto,
  FIRST_WORD_OFFSET,
  HISTORY_BINS,
  historyBin,
  HistoryTier,
  SCOPE_SLOT_WIDTH,
  TURN_OFFSET,
} from './history-tier.js';
import { computeKpis } from './kpis.js';

/**
 * The launch's figures over its whole length, overall and per intent, in memory bounded by
 * construction: one slot per minute for the last 48 hours of stream time, then one per quarter
 * hour (a minute's slot is added into its quarter when a minute 48 hours newer takes its place).
 * Each slot holds the call counters and the latency histograms, so any span's KPIs are computed
 * from summed counts and merged histograms, never averaged from per-minute figures.
 *
 * Pure: stream time comes in with each call and each observation; nothing here reads a clock or
 * touches storage. What is added is also kept aside, minute by minute, until `takeClosed` hands it
 * to the store that writes it.
 */

export const MINUTE_MS = 60_000;
export const QUARTER_MINUTES = 15;
export const MINUTE_SLOTS = 48 * 60;
const QUARTERS_PER_DAY = 96;
const DEFAULT_ROLLUP_DAYS = 28;
const DEFAULT_MAX_INTENTS = 10;
export const MAX_SERIES_POINTS = 1_000;
/** The scope that collects intents discovered after the cap was reached. */
export const HISTORY_OVERFLOW_INTENT = 'other';

const OBSERVED = 0;
const GAP = 1;

export interface KpiHistoryOptions {
  intents?: readonly string[];
  /** Most intent scopes kept (configured plus discovered); later intents count as 'other'. */
  maxIntents?: number;
  handoffIntents?: readonly string[];
  /** Days of quarter-hour slots kept beyond the 48 hours of minutes. */
  rollupDays?: number;
}

/** A span's counts and the KPIs computed from them. */
export interface SpanStats {
  allCalls: number;
  calls: number;
  connected: number;
  agentTurns: number;
  toolCalls: number;
  escalations: number;
  kpis: KpiValues;
}

export interface HistoryPoint {
  /** Start of the point's slice, epoch ms of stream time. */
  t: number;
  minutes: number;
  allCalls: number;
  kpis: KpiValues;
}

export interface HistoryFigures {
  /** The span actually covered, in whole minutes (whole quarter hours where only those are kept). */
  from: number;
  to: number;
  minutes: number;
  /** 1 when every minute of the span is kept, 15 when part of it is older than 48 hours. */
  resolutionMin: number;
  /** Width of each series point. */
  pointMinutes: number;
  /** Minutes of the span in which the console saw the stream, and minutes a stream gap touched. */
  observedMinutes: number;
  gapMinutes: number;
  stats: SpanStats;
  series: HistoryPoint[];
}

/** The read-only view features are lent. */
export interface KpiHistoryQuery {
  /** Figures over [from, to) of stream time; overall, or for one intent. */
  figures(from: number, to: number, intent?: string, maxPoints?: number): HistoryFigures;
  intents(): string[];
}

/** One stored record: what a minute (or, after compaction, a quarter hour) added. */
export interface HistoryRecord {
  /** Minute index (epoch ms / 60,000); absent on a quarter record. */
  m?: number;
  /** Quarter-hour index; absent on a minute record. */
  q?: number;
  /** Minutes observed, and minutes touched by a gap. */
  o?: number;
  g?: number;
  /** Per intent: counters in COUNTER_NAMES order, then turn and first-word bins as [bin, count, ...]. */
  s?: Record<string, { c: number[]; t?: number[]; f?: number[] }>;
}

export interface HistoryFootprint {
  scopes: number;
  /** Bytes of the slots taken so far. */
  bytes: number;
  /** Bytes once every slot of every scope allowed is taken. */
  boundBytes: number;
  /** Calls too old even for the quarter-hour slots. */
  dropped: number;
}

interface Scope {
  minutes: HistoryTier;
  quarters: HistoryTier;
}

interface PendingScope {
  counters: Float64Array;
  turn: Map<number, number>;
  firstWord: Map<number, number>;
}

interface PendingMinute {
  observed: boolean;
  gap: boolean;
  scopes: Map<string, PendingScope>;
}

/** Sums one span or slice of slots; reused so a query allocates little. */
class Accumulator {
  readonly counters = new Float64Array(COUNTER_COUNT);
  readonly turn = new Float64Array(HISTORY_BINS);
  readonly firstWord = new Float64Array(HISTORY_BINS);
  observed = 0;
  gap = 0;

  reset(): void {
    this.counters.fill(0);
    this.turn.fill(0);
    this.firstWord.fill(0);
    this.observed = 0;
    this.gap = 0;
  }

  addScope(slot: Uint32Array): void {
    for (let i = 0; i < COUNTER_COUNT; i++) this.counters[i] = (this.counters[i] ?? 0) + (slot[i] ?? 0);
    if ((slot[COUNTER.agentTurns] ?? 0) > 0) {
      for (let b = 0; b < HISTORY_BINS; b++) this.turn[b] = (this.turn[b] ?? 0) + (slot[TURN_OFFSET + b] ?? 0);
    }
    if ((slot[COUNTER.connected] ?? 0) > 0) {
      for (let b = 0; b < HISTORY_BINS; b++) this.firstWord[b] = (this.firstWord[b] ?? 0) + (slot[FIRST_WORD_OFFSET + b] ?? 0);
    }
  }

  addTime(slot: Uint32Array): void {
    this.observed += slot[OBSERVED] ?? 0;
    this.gap += slot[GAP] ?? 0;
  }
}

function newScope(rollupSlots: number): Scope {
  return {
    minutes: new HistoryTier(MINUTE_SLOTS, SCOPE_SLOT_WIDTH, 60),
    quarters: new HistoryTier(rollupSlots, SCOPE_SLOT_WIDTH, QUARTERS_PER_DAY),
  };
}

function addInto(target: Uint32Array, source: Uint32Array): void {
  for (let i = 0; i < target.length; i++) target[i] = (target[i] ?? 0) + (source[i] ?? 0);
}

export class KpiHistory implements KpiHistoryQuery {
  readonly #maxIntents: number;
  readonly #rollupSlots: number;
  readonly #handoffIntents: ReadonlySet<string>;
  readonly #scopes = new Map<string, Scope>();
  readonly #time: Scope;
  readonly #pending = new Map<number, PendingMinute>();
  readonly #tally = newCallTally();
  readonly #total = new Accumulator();
  readonly #point = new Accumulator();
  readonly #turnLatency = new LatencyHistogram();
  readonly #firstWord = new LatencyHistogram();
  #newestMinute = -Infinity;
  #dropped = 0;
  #rolledUp = false;

  constructor(opts: KpiHistoryOptions = {}) {
    const maxIntents = opts.maxIntents ?? DEFAULT_MAX_INTENTS;
    if (!Number.isInteger(maxIntents) || maxIntents < 1) throw new RangeError(`maxIntents must be a positive integer, got ${maxIntents}`);
    const rollupDays = opts.rollupDays ?? DEFAULT_ROLLUP_DAYS;
    if (!Number.isInteger(rollupDays) || rollupDays < 1) throw new RangeError(`rollupDays must be a positive integer, got ${rollupDays}`);
    this.#maxIntents = maxIntents;
    this.#rollupSlots = rollupDays * QUARTERS_PER_DAY;
    this.#handoffIntents = new Set(opts.handoffIntents ?? []);
    this.#time = {
      minutes: new HistoryTier(MINUTE_SLOTS, 2, 60),
      quarters: new HistoryTier(this.#rollupSlots, 2, QUARTERS_PER_DAY),
    };
    for (const intent of [...new Set(opts.intents ?? [])].slice(0, maxIntents)) this.#scopes.set(intent, newScope(this.#rollupSlots));
  }

  get footprint(): HistoryFootprint {
    const tiers = [this.#time, ...this.#scopes.values()].flatMap((s) => [s.minutes, s.quarters]);
    const scopeBound = newScope(this.#rollupSlots);
    return {
      scopes: this.#scopes.size,
      bytes: tiers.reduce((n, tier) => n + tier.bytes, 0),
      boundBytes:
        this.#time.minutes.boundBytes +
        this.#time.quarters.boundBytes +
        (this.#maxIntents + 1) * (scopeBound.minutes.boundBytes + scopeBound.quarters.boundBytes),
      dropped: this.#dropped,
    };
  }

  /** True once replaying stored records moved minutes into quarter hours: the log is worth compacting. */
  get rolledUp(): boolean {
    return this.#rolledUp;
  }

  intents(): string[] {
    return [...this.#scopes.keys()];
  }

  ingestCall(call: CallRecord): void {
    const endedAt = Date.parse(call.endedAt);
    if (!Number.isFinite(endedAt)) throw new RangeError(`call ${call.id} endedAt is not a timestamp`);
    const minute = Math.floor(endedAt / MINUTE_MS);
    // A call ending in a minute means the stream delivered that minute (a resume fills it by seq).
    this.observe(endedAt);
    const intent = this.#scopeName(call.intent);
    const slot = this.#slot(this.#scopeOf(intent), minute);
    if (!slot) {
      this.#dropped++;
      return;
    }
    const tally = this.#tally;
    tallyCall(call, tally, this.#handoffIntents.has(call.intent));
    const pending = this.#pendingScope(minute, intent);
    for (let i = 0; i < COUNTER_COUNT; i++) {
      const n = tally.counters[i] ?? 0;
      slot[i] = (slot[i] ?? 0) + n;
      pending.counters[i] = (pending.counters[i] ?? 0) + n;
    }
    for (const ms of tally.turnLatenciesMs) {
      const bin = historyBin(binOf(ms));
      slot[TURN_OFFSET + bin] = (slot[TURN_OFFSET + bin] ?? 0) + 1;
      pending.turn.set(bin, (pending.turn.get(bin) ?? 0) + 1);
    }
    if (tally.firstWordMs !== null) {
      const bin = historyBin(binOf(tally.firstWordMs));
      slot[FIRST_WORD_OFFSET + bin] = (slot[FIRST_WORD_OFFSET + bin] ?? 0) + 1;
      pending.firstWord.set(bin, (pending.firstWord.get(bin) ?? 0) + 1);
    }
  }

  /** Stream time the console saw (an event, or the stream's clock on a tick): its minute was observed. */
  observe(ms: number): void {
    if (!Number.isFinite(ms)) throw new RangeError(`observed time must be finite epoch ms, got ${ms}`);
    const minute = Math.floor(ms / MINUTE_MS);
    this.#see(minute);
    const slot = this.#minuteFlags(minute);
    if (!slot || slot[OBSERVED] === 1) return;
    slot[OBSERVED] = 1;
    this.#pendingMinute(minute).observed = true;
  }

  /** Stream time [fromMs, toMs) whose events will never arrive: the minutes it touches read incomplete. */
  markGap(fromMs: number, toMs: number): void {
    if (!Number.isFinite(fromMs) || !Number.isFinite(toMs)) throw new RangeError(`gap bounds must be finite epoch ms, got ${fromMs}, ${toMs}`);
    if (toMs <= fromMs) return;
    const last = Math.ceil(toMs / MINUTE_MS) - 1;
    // Minutes that have left the minute slots keep only counts of minutes; a gap older than that is not marked.
    const first = Math.max(Math.floor(fromMs / MINUTE_MS), last - MINUTE_SLOTS + 1);
    for (let minute = first; minute <= last; minute++) {
      const slot = this.#minuteFlags(minute);
      if (!slot || slot[GAP] === 1) continue;
      slot[GAP] = 1;
      this.#pendingMinute(minute).gap = true;
    }
  }

  figures(from: number, to: number, intent?: string, maxPoints = MAX_SERIES_POINTS): HistoryFigures {
    if (!Number.isFinite(from) || !Number.isFinite(to)) throw new RangeError(`span bounds must be finite epoch ms, got ${from}, ${to}`);
    if (!Number.isInteger(maxPoints) || maxPoints < 1 || maxPoints > MAX_SERIES_POINTS) {
      throw new RangeError(`maxPoints must be an integer from 1 to ${MAX_SERIES_POINTS}, got ${maxPoints}`);
    }
    const scopes = intent === undefined ? [...this.#scopes.values()] : [this.#scopes.get(intent)].filter((s) => s !== undefined);
    // Only complete minutes: the one still filling shows up once it has closed.
    const toMin = Math.min(Math.floor(to / MINUTE_MS), this.#newestMinute);
    const oldestMinute = this.#newestMinute - MINUTE_SLOTS + 1;
    let fromMin = Math.floor(from / MINUTE_MS);
    const resolutionMin = fromMin < oldestMinute ? QUARTER_MINUTES : 1;
    fromMin = Math.floor(fromMin / resolutionMin) * resolutionMin;
    const span = Math.max(0, toMin - fromMin);
    const pointMinutes = resolutionMin * Math.max(1, Math.ceil(span / resolutionMin / maxPoints));

    const total = this.#total;
    const point = this.#point;
    total.reset();
    const series: HistoryPoint[] = [];
    for (let start = fromMin; start < toMin; start += pointMinutes) {
      const end = Math.min(start + pointMinutes, toMin);
      point.reset();
      for (let minute = start; minute < end; minute++) {
        // A minute is in its own slot or, once a newer minute took that slot, in its quarter: never both.
        if (minute < oldestMinute && minute % QUARTER_MINUTES === 0) {
          const quarter = minute / QUARTER_MINUTES;
          for (const scope of scopes) {
            const slot = scope.quarters.find(quarter);
            if (slot) point.addScope(slot);
          }
          const flags = this.#time.quarters.find(quarter);
          if (flags) point.addTime(flags);
        }
        for (const scope of scopes) {
          const slot = scope.minutes.find(minute);
          if (slot) point.addScope(slot);
        }
        const flags = this.#time.minutes.find(minute);
        if (flags) point.addTime(flags);
      }
      const stats = this.#stats(point, end - start);
      series.push({ t: start * MINUTE_MS, minutes: end - start, allCalls: stats.allCalls, kpis: stats.kpis });
      for (let i = 0; i < COUNTER_COUNT; i++) total.counters[i] = (total.counters[i] ?? 0) + (point.counters[i] ?? 0);
      for (let b = 0; b < HISTORY_BINS; b++) {
        total.turn[b] = (total.turn[b] ?? 0) + (point.turn[b] ?? 0);
        total.firstWord[b] = (total.firstWord[b] ?? 0) + (point.firstWord[b] ?? 0);
      }
      total.observed += point.observed;
      total.gap += point.gap;
    }
    return {
      from: fromMin * MINUTE_MS,
      to: (fromMin + span) * MINUTE_MS,
      minutes: span,
      resolutionMin,
      pointMinutes,
      observedMinutes: Math.min(span, total.observed),
      gapMinutes: Math.min(span, total.gap),
      stats: this.#stats(total, span),
      series,
    };
  }

  /** What was added in minutes that have closed (stream time moved past them), for the store to append. */
  takeClosed(): HistoryRecord[] {
    return this.#take((minute) => minute < this.#newestMinute);
  }

  /** Everything not yet handed over, the open minute too: for a clean stop. */
  takeAll(): HistoryRecord[] {
    return this.#take(() => true);
  }

  /** Adds a stored record back, as it was added the first time. */
  load(record: HistoryRecord): void {
    if (record.m !== undefined) {
      const minute = record.m;
      this.#see(minute);
      const flags = this.#minuteFlags(minute);
      if (flags) {
        if (record.o) flags[OBSERVED] = 1;
        if (record.g) flags[GAP] = 1;
      }
      for (const [intent, delta] of Object.entries(record.s ?? {})) {
        const slot = this.#slot(this.#scopeOf(this.#scopeName(intent)), minute);
        if (slot) addDelta(slot, delta);
        else this.#dropped++;
      }
      return;
    }
    if (record.q === undefined) return;
    const quarter = record.q;
    const flags = this.#time.quarters.claim(quarter);
    if (flags) {
      flags[OBSERVED] = (flags[OBSERVED] ?? 0) + (record.o ?? 0);
      flags[GAP] = (flags[GAP] ?? 0) + (record.g ?? 0);
    }
    for (const [intent, delta] of Object.entries(record.s ?? {})) {
      const slot = this.#scopeOf(this.#scopeName(intent)).quarters.claim(quarter);
      if (slot) addDelta(slot, delta);
    }
  }

  /** The whole history as records (quarters first, then minutes): what a compacted log holds. */
  records(): HistoryRecord[] {
    const quarters = new Map<number, HistoryRecord>();
    const minutes = new Map<number, HistoryRecord>();
    for (const [quarter, flags] of this.#time.quarters.entries()) quarters.set(quarter, { q: quarter, ...flagsOf(flags) });
    for (const [minute, flags] of this.#time.minutes.entries()) minutes.set(minute, { m: minute, ...flagsOf(flags) });
    for (const [intent, scope] of this.#scopes) {
      for (const [quarter, slot] of scope.quarters.entries()) {
        const record = quarters.get(quarter) ?? { q: quarter };
        quarters.set(quarter, record);
        (record.s ??= {})[intent] = deltaOf(slot);
      }
      for (const [minute, slot] of scope.minutes.entries()) {
        const record = minutes.get(minute) ?? { m: minute };
        minutes.set(minute, record);
        (record.s ??= {})[intent] = deltaOf(slot);
      }
    }
    const byIndex = (a: HistoryRecord, b: HistoryRecord) => (a.q ?? a.m ?? 0) - (b.q ?? b.m ?? 0);
    return [...[...quarters.values()].sort(byIndex), ...[...minutes.values()].sort(byIndex)];
  }

  #stats(acc: Accumulator, minutes: number): SpanStats {
    expandInto(acc.turn, 0, this.#turnLatency);
    expandInto(acc.firstWord, 0, this.#firstWord);
    const counters = countersFromArray(acc.counters);
    return {
      allCalls: counters.allCalls,
      calls: counters.agentCalls,
      connected: counters.connected,
      agentTurns: counters.agentTurns,
      toolCalls: counters.toolCalls,
      escalations: counters.escalationsRequested,
      kpis: computeKpis(counters, { turnLatency: this.#turnLatency, firstWord: this.#firstWord }, Math.max(1, minutes)),
    };
  }

  #see(minute: number): void {
    if (minute > this.#newestMinute) this.#newestMinute = minute;
  }

  #scopeName(intent: string): string {
    if (this.#scopes.has(intent) || this.#scopes.size < this.#maxIntents) return intent;
    return HISTORY_OVERFLOW_INTENT;
  }

  #scopeOf(name: string): Scope {
    let scope = this.#scopes.get(name);
    if (!scope) {
      scope = newScope(this.#rollupSlots);
      this.#scopes.set(name, scope);
    }
    return scope;
  }

  /** The slot a minute's counts go to: its own while it is among the last 48 hours, else its quarter's. */
  #slot(scope: Scope, minute: number): Uint32Array | null {
    if (minute > this.#newestMinute - MINUTE_SLOTS) {
      const own = scope.minutes.claim(minute, (old, counters) => this.#rollUp(scope.quarters, old, counters));
      if (own) return own;
    }
    return scope.quarters.claim(Math.floor(minute / QUARTER_MINUTES));
  }

  #minuteFlags(minute: number): Uint32Array | null {
    if (minute <= this.#newestMinute - MINUTE_SLOTS) return null;
    return this.#time.minutes.claim(minute, (old, flags) => this.#rollUp(this.#time.quarters, old, flags));
  }

  #rollUp(quarters: HistoryTier, minute: number, counters: Uint32Array): void {
    this.#rolledUp = true;
    const target = quarters.claim(Math.floor(minute / QUARTER_MINUTES));
    if (target) addInto(target, counters);
  }

  #pendingMinute(minute: number): PendingMinute {
    let pending = this.#pending.get(minute);
    if (!pending) {
      pending = { observed: false, gap: false, scopes: new Map() };
      this.#pending.set(minute, pending);
    }
    return pending;
  }

  #pendingScope(minute: number, intent: string): PendingScope {
    const scopes = this.#pendingMinute(minute).scopes;
    let pending = scopes.get(intent);
    if (!pending) {
      pending = { counters: new Float64Array(COUNTER_COUNT), turn: new Map(), firstWord: new Map() };
      scopes.set(intent, pending);
    }
    return pending;
  }

  #take(closed: (minute: number) => boolean): HistoryRecord[] {
    const out: HistoryRecord[] = [];
    for (const [minute, pending] of this.#pending) {
      if (!closed(minute)) continue;
      this.#pending.delete(minute);
      const record: HistoryRecord = { m: minute };
      if (pending.observed) record.o = 1;
      if (pending.gap) record.g = 1;
      for (const [intent, scope] of pending.scopes) {
        (record.s ??= {})[intent] = {
          c: Array.from(scope.counters),
          ...(scope.turn.size > 0 ? { t: flatten(scope.turn) } : {}),
          ...(scope.firstWord.size > 0 ? { f: flatten(scope.firstWord) } : {}),
        };
      }
      out.push(record);
    }
    return out.sort((a, b) => (a.m ?? 0) - (b.m ?? 0));
  }
}

function flagsOf(flags: Uint32Array): Pick<HistoryRecord, 'o' | 'g'> {
  const o = flags[OBSERVED] ?? 0;
  const g = flags[GAP] ?? 0;
  return { ...(o > 0 ? { o } : {}), ...(g > 0 ? { g } : {}) };
}

function flatten(bins: Map<number, number>): number[] {
  return [...bins].sort((a, b) => a[0] - b[0]).flat();
}

function sparse(slot: Uint32Array, offset: number): number[] {
  const out: number[] = [];
  for (let b = 0; b < HISTORY_BINS; b++) {
    const n = slot[offset + b] ?? 0;
    if (n > 0) out.push(b, n);
  }
  return out;
}

function deltaOf(slot: Uint32Array): { c: number[]; t?: number[]; f?: number[] } {
  const t = sparse(slot, TURN_OFFSET);
  const f = sparse(slot, FIRST_WORD_OFFSET);
  return { c: Array.from(slot.subarray(0, COUNTER_COUNT)), ...(t.length > 0 ? { t } : {}), ...(f.length > 0 ? { f } : {}) };
}

function addDelta(slot: Uint32Array, delta: { c: number[]; t?: number[]; f?: number[] }): void {
  for (let i = 0; i < Math.min(COUNTER_COUNT, delta.c.length); i++) slot[i] = (slot[i] ?? 0) + (delta.c[i] ?? 0);
  for (const [offset, bins] of [[TURN_OFFSET, delta.t], [FIRST_WORD_OFFSET, delta.f]] as const) {
    if (!bins) continue;
    for (let i = 0; i + 1 < bins.length; i += 2) {
      const bin = bins[i] ?? -1;
      if (bin >= 0 && bin < HISTORY_BINS) slot[offset + bin] = (slot[offset + bin] ?? 0) + (bins[i + 1] ?? 0);
    }
  }
}
