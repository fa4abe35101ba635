import {
  WINDOW_MINUTES,
  type MetricsSnapshot,
  type ScopeWindows,
  type SeriesPoint,
  type WindowMinutes,
  type WindowStats,
} from '../../../shared/kpi.js';
import type { CallRecord, MetricEvent } from '../../../shared/protocol.js';
import { BucketRing } from './bucket-ring.js';
import { COUNTER, COUNTER_COUNT, countersFromArray, newCallTally, tallyCall } from './call-tally.js';
import { GapSet } from './gaps.js';
import { binOf, LatencyHistogram } from './histogram.js';
import { computeKpis, type WindowLatencies } from './kpis.js';

/**
 * Rolling KPI windows over the call stream, overall and per intent, in memory fixed by the
 * number of scopes. Pure: no timers, no I/O; stream time comes in with each call (endedAt) and
 * each query (`now`).
 *
 * Windows end at the last 10-second boundary at or before `now` and span exactly windowMin
 * minutes of complete buckets, so a rate is never divided by a span it did not cover; the
 * bucket still filling shows up at its close, at most 10 s later.
 */

const BUCKET_MS = 10_000;
const LONGEST_WINDOW_BUCKETS = (60 * 60_000) / BUCKET_MS;
// The longest window's buckets plus the one still filling.
const WINDOW_RING_SLOTS = LONGEST_WINDOW_BUCKETS + 1;

const SERIES_BUCKET_MS = 60_000;
const SERIES_POINTS = 120;
const SERIES_CALLS = 0;

// Per-second start-time buckets, so "calls started since the routing change" is off by under 1 s.
const SHARE_BUCKET_MS = 1_000;
const SHARE_RING_SLOTS = 3_600 + 1;
const SHARE_ALL = 0;
const SHARE_AGENT = 1;

const TURN_LATENCY = 0;
const FIRST_WORD = 1;

const DEFAULT_MAX_INTENTS = 50;
/** The scope that collects intents discovered after the cap was reached. */
export const OVERFLOW_INTENT = 'other';

export interface MetricsAggregatorOptions {
  /** Intents known from the configuration; they get a scope before any call arrives. */
  intents?: readonly string[];
  /** Most intent scopes kept (configured plus discovered); later intents count as 'other'. */
  maxIntents?: number;
  /** Intents whose task is to reach a person: a transfer with context completes them. */
  handoffIntents?: readonly string[];
}

/** Sizes of the aggregator's fixed structures: they depend on the scope count, never on traffic. */
export interface MetricsFootprint {
  scopes: number;
  buckets: number;
  histograms: number;
  gaps: number;
}

export interface AgentShare {
  calls: number;
  agent: number;
  share: number | null;
}

function newScopeRing(): BucketRing {
  return new BucketRing(WINDOW_RING_SLOTS, COUNTER_COUNT, 2);
}

function assertTime(ms: number, what: string): void {
  if (!Number.isFinite(ms)) throw new RangeError(`${what} must be finite epoch ms, got ${ms}`);
}

function parseTime(iso: string, what: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError(`${what} is not a timestamp: ${JSON.stringify(iso)}`);
  return ms;
}

export class MetricsAggregator {
  readonly #maxIntents: number;
  readonly #handoffIntents: ReadonlySet<string>;
  readonly #overall = newScopeRing();
  readonly #intents = new Map<string, BucketRing>();
  readonly #series = new BucketRing(SERIES_POINTS + 1, 1, 1);
  readonly #share = new BucketRing(SHARE_RING_SLOTS, 2, 0);
  readonly #gaps = new GapSet();
  readonly #tally = newCallTally();
  readonly #turnBins: number[] = [];
  readonly #sum = new Float64Array(COUNTER_COUNT);
  readonly #sumLatency: WindowLatencies = { turnLatency: new LatencyHistogram(), firstWord: new LatencyHistogram() };
  #newestBucket = -Infinity;
  #observedFrom: number | null = null;
  #lateDropped = 0;
  #totalCalls = 0;

  constructor(opts: MetricsAggregatorOptions = {}) {
    const maxIntents = opts.maxIntents ?? DEFAULT_MAX_INTENTS;
    if (!Number.isInteger(maxIntents) || maxIntents < 1) {
      throw new RangeError(`maxIntents must be a positive integer, got ${maxIntents}`);
    }
    this.#maxIntents = maxIntents;
    this.#handoffIntents = new Set(opts.handoffIntents ?? []);
    const configured = new Set(opts.intents ?? []);
    if (configured.size > maxIntents) {
      throw new RangeError(`${configured.size} intents configured, more than maxIntents (${maxIntents})`);
    }
    for (const intent of configured) this.#intents.set(intent, newScopeRing());
  }

  /** Events that arrived after their bucket left the ring, so no window counts them. */
  get lateDropped(): number {
    return this.#lateDropped;
  }

  /** Every call ingested since start, late ones included. */
  get totalCalls(): number {
    return this.#totalCalls;
  }

  get footprint(): MetricsFootprint {
    const rings = [this.#overall, ...this.#intents.values(), this.#series, this.#share];
    return {
      scopes: 1 + this.#intents.size,
      buckets: rings.reduce((n, ring) => n + ring.slots, 0),
      histograms: rings.reduce((n, ring) => n + ring.histogramCount, 0),
      gaps: this.#gaps.size,
    };
  }

  ingestCall(call: CallRecord): void {
    const endedAt = parseTime(call.endedAt, `call ${call.id} endedAt`);
    const startedAt = parseTime(call.startedAt, `call ${call.id} startedAt`);
    this.#totalCalls++;
    const bucket = this.#observe(endedAt);
    if (!this.#inRing(bucket)) {
      this.#lateDropped++;
      return;
    }

    const tally = this.#tally;
    tallyCall(call, tally, this.#handoffIntents.has(call.intent));
    this.#turnBins.length = 0;
    for (const ms of tally.turnLatenciesMs) this.#turnBins.push(binOf(ms));
    const firstWordBin = tally.firstWordMs === null ? -1 : binOf(tally.firstWordMs);
    this.#addTally(this.#overall, bucket, firstWordBin);
    this.#addTally(this.#scopeFor(call.intent), bucket, firstWordBin);

    const minute = this.#series.claim(Math.floor(endedAt / SERIES_BUCKET_MS));
    if (minute >= 0) {
      this.#series.add(minute, SERIES_CALLS, 1);
      const turns = this.#series.histogram(TURN_LATENCY, minute);
      for (const bin of this.#turnBins) turns.addToBin(bin, 1);
    }

    const second = this.#share.claim(Math.floor(startedAt / SHARE_BUCKET_MS));
    if (second >= 0) {
      this.#share.add(second, SHARE_ALL, 1);
      if (call.route === 'agent') this.#share.add(second, SHARE_AGENT, 1);
    }
  }

  /**
   * A platform figure moves the windows' clock and nothing else. None of them is a KPI: TTS
   * failures, for one, come from the calls' own `tts` errors, which carry each failure's intent and
   * time; adding the platform's `tts.failures` count as well would count every failure twice.
   */
  ingestMetric(m: MetricEvent): void {
    this.#observe(parseTime(m.ts, `metric ${m.name} ts`));
  }

  /** Marks stream time [fromMs, toMs) as unobserved; windows overlapping it read incomplete. */
  markGap(fromMs: number, toMs: number): void {
    this.#gaps.add(fromMs, toMs);
  }

  snapshot(now: number): MetricsSnapshot {
    assertTime(now, 'snapshot time');
    this.#observe(now);
    const end = Math.floor(now / BUCKET_MS);
    const windowEnd = end * BUCKET_MS;
    this.#gaps.forgetBefore(windowEnd - LONGEST_WINDOW_BUCKETS * BUCKET_MS);

    const observedFrom = this.#observedFrom ?? now;
    const incomplete = {} as Record<WindowMinutes, boolean>;
    for (const windowMin of WINDOW_MINUTES) {
      const windowStart = windowEnd - windowMin * 60_000;
      incomplete[windowMin] = observedFrom > windowStart || this.#gaps.overlaps(windowStart, windowEnd);
    }

    const overall = this.#windowsOf(this.#overall, end, incomplete);
    const perIntent = [...this.#intents].map(([intent, ring]) => [intent, this.#windowsOf(ring, end, incomplete)] as const);
    const windows = {} as Record<WindowMinutes, ScopeWindows>;
    for (const windowMin of WINDOW_MINUTES) {
      const intents: Record<string, WindowStats> = {};
      for (const [intent, stats] of perIntent) intents[intent] = stats[windowMin];
      windows[windowMin] = { overall: overall[windowMin], intents };
    }

    return { now: windowEnd, windows, series: this.#seriesUntil(now, observedFrom), totalCalls: this.#totalCalls };
  }

  /**
   * Calls that started at or after `sinceMs` (rounded up to the next whole second, so none from
   * before it count) and no later than `now`, within the last hour: the evidence that a routing
   * change reached new calls.
   */
  agentShareSince(sinceMs: number, now: number): AgentShare {
    assertTime(sinceMs, 'sinceMs');
    assertTime(now, 'now');
    const last = Math.floor(now / SHARE_BUCKET_MS);
    const first = Math.max(Math.ceil(sinceMs / SHARE_BUCKET_MS), last - SHARE_RING_SLOTS + 1);
    let calls = 0;
    let agent = 0;
    for (let second = first; second <= last; second++) {
      const slot = this.#share.find(second);
      if (slot < 0) continue;
      calls += this.#share.get(slot, SHARE_ALL);
      agent += this.#share.get(slot, SHARE_AGENT);
    }
    return { calls, agent, share: calls === 0 ? null : agent / calls };
  }

  /**
   * Calls of every route in the window ending at `now` (WindowStats.calls counts agent calls
   * only); the sample size behind callRate and fallbackRate.
   */
  allRouteCalls(windowMin: WindowMinutes, now: number, intent?: string): number {
    assertTime(now, 'now');
    const ring = intent === undefined ? this.#overall : this.#intents.get(intent);
    if (!ring) return 0;
    const end = Math.floor(now / BUCKET_MS);
    let calls = 0;
    for (let back = 1; back <= (windowMin * 60_000) / BUCKET_MS; back++) {
      const slot = ring.find(end - back);
      if (slot >= 0) calls += ring.get(slot, COUNTER.allCalls);
    }
    return calls;
  }

  /** Notes stream time `ms` and returns its bucket. */
  #observe(ms: number): number {
    this.#observedFrom ??= ms;
    const bucket = Math.floor(ms / BUCKET_MS);
    if (bucket > this.#newestBucket) this.#newestBucket = bucket;
    return bucket;
  }

  #inRing(bucket: number): boolean {
    return bucket > this.#newestBucket - WINDOW_RING_SLOTS;
  }

  #scopeFor(intent: string): BucketRing {
    const known = this.#intents.get(intent);
    if (known) return known;
    const name = this.#intents.size < this.#maxIntents ? intent : OVERFLOW_INTENT;
    let ring = this.#intents.get(name);
    if (!ring) {
      ring = newScopeRing();
      this.#intents.set(name, ring);
    }
    return ring;
  }

  #addTally(ring: BucketRing, bucket: number, firstWordBin: number): void {
    const slot = ring.claim(bucket);
    const counters = this.#tally.counters;
    for (let i = 0; i < COUNTER_COUNT; i++) ring.add(slot, i, counters[i] ?? 0);
    const turns = ring.histogram(TURN_LATENCY, slot);
    for (const bin of this.#turnBins) turns.addToBin(bin, 1);
    if (firstWordBin >= 0) ring.histogram(FIRST_WORD, slot).addToBin(firstWordBin, 1);
  }

  /** Every window of one scope in a single newest-first pass: the windows nest. */
  #windowsOf(ring: BucketRing, end: number, incomplete: Record<WindowMinutes, boolean>): Record<WindowMinutes, WindowStats> {
    const sum = this.#sum;
    const latency = this.#sumLatency;
    sum.fill(0);
    latency.turnLatency.clear();
    latency.firstWord.clear();
    const stats = {} as Record<WindowMinutes, WindowStats>;
    let covered = 0;
    for (const windowMin of WINDOW_MINUTES) {
      for (; covered < (windowMin * 60_000) / BUCKET_MS; covered++) {
        const slot = ring.find(end - 1 - covered);
        if (slot < 0) continue;
        for (let i = 0; i < COUNTER_COUNT; i++) sum[i] = (sum[i] ?? 0) + ring.get(slot, i);
        latency.turnLatency.merge(ring.histogram(TURN_LATENCY, slot));
        latency.firstWord.merge(ring.histogram(FIRST_WORD, slot));
      }
      const counters = countersFromArray(sum);
      stats[windowMin] = {
        windowMin,
        allCalls: counters.allCalls,
        calls: counters.agentCalls,
        connected: counters.connected,
        agentTurns: counters.agentTurns,
        toolCalls: counters.toolCalls,
        escalations: counters.escalationsRequested,
        kpis: computeKpis(counters, latency, windowMin),
        incomplete: incomplete[windowMin],
      };
    }
    return stats;
  }

  /** One point per complete minute of the last SERIES_POINTS, from the first observed minute. */
  #seriesUntil(now: number, observedFrom: number): SeriesPoint[] {
    const last = Math.floor(now / SERIES_BUCKET_MS) - 1;
    // The minute the console started in was only partly observed; plotting it would show a false dip.
    const first = Math.max(last - SERIES_POINTS + 1, Math.ceil(observedFrom / SERIES_BUCKET_MS));
    const points: SeriesPoint[] = [];
    for (let minute = first; minute <= last; minute++) {
      const slot = this.#series.find(minute);
      const t = minute * SERIES_BUCKET_MS;
      if (slot < 0) points.push({ t, callRate: 0, p95: null });
      else {
        const p95 = this.#series.histogram(TURN_LATENCY, slot).quantile(0.95);
        points.push({ t, callRate: this.#series.get(slot, SERIES_CALLS), p95 });
      }
    }
    return points;
  }
}
