import type { CallRecord, RoutingState } from '../shared/protocol.js';
import { decodeCallId, encodeCallId } from './call-id.js';
import { composeCall, planCall, toCallRecord } from './calls.js';
import type { CallRef } from '../protocol-server/event-log.js';
import { faultMask, faultsFromMask, profileFor, type FaultName } from './faults.js';
import { MinHeap } from './min-heap.js';
import { createRng, mix32, type Rng } from './random.js';
import { decideRoute } from './routing-state.js';

/**
 * The call fleet in simulated time: Poisson arrivals, calls in progress, and the per-minute
 * platform figures. A discrete-event loop driven by `advanceTo(now)`, so the same seed gives the
 * same calls however the time is sliced, and memory holds only the calls in progress.
 */

export interface FleetOptions {
  seed: number;
  /** Arrivals per simulated second. */
  rate: number;
  intents: readonly string[];
  /** Simulated epoch ms the fleet starts at. */
  startTime: number;
  /** Run tag every call id starts with (see call-id.ts). */
  run: string;
  baseUrl: string;
  /** The agent version the faults belong to; calls on any other version are healthy. */
  faultyVersion: string;
}

/** What the fleet reads, at each call's start, from the world around it. */
export interface FleetInputs {
  routing(): RoutingState;
  /** The faults on for calls of this intent. */
  faults(intent: string): readonly FaultName[];
}

export type FleetOutput =
  | { kind: 'call'; call: CallRecord }
  | { kind: 'metric'; ts: number; name: string; value: number };

interface InProgress {
  endsAt: number;
  index: number;
  call: CallRecord;
}

interface MinuteTally {
  ttsFailures: number;
  connectionFailures: number;
  sttSum: number;
  sttCount: number;
}

const MINUTE_MS = 60_000;
const emptyTally = (): MinuteTally => ({ ttsFailures: 0, connectionFailures: 0, sttSum: 0, sttCount: 0 });

export class Fleet {
  private readonly arrivals: Rng;
  private nextArrivalAt: number;
  private nextMinuteAt: number;
  private started = 0;
  private simNow: number;
  private tally = emptyTally();
  private readonly inProgress = new MinHeap<InProgress>(
    (a, b) => a.endsAt < b.endsAt || (a.endsAt === b.endsAt && a.index < b.index),
  );

  constructor(
    private readonly options: FleetOptions,
    private readonly inputs: FleetInputs,
  ) {
    if (!(options.rate >= 0)) throw new Error(`rate: must be 0 or more calls per second, got ${options.rate}`);
    if (options.intents.length === 0) throw new Error('intents: at least one intent is needed');
    this.arrivals = createRng(mix32(options.seed ^ 0x5eed5eed));
    this.simNow = options.startTime;
    this.nextArrivalAt = options.startTime + this.gapMs();
    this.nextMinuteAt = options.startTime + MINUTE_MS;
  }

  /** Calls started so far; every index below this is a call of the run. */
  get callsStarted(): number {
    return this.started;
  }

  get now(): number {
    return this.simNow;
  }

  /** Plays simulated time up to `now`, handing out each ended call and minute figure in time order. */
  advanceTo(now: number, emit: (out: FleetOutput) => void): void {
    for (;;) {
      const endsAt = this.inProgress.peek()?.endsAt ?? Infinity;
      const next = Math.min(this.nextArrivalAt, endsAt, this.nextMinuteAt);
      if (next > now) break;
      if (this.nextArrivalAt === next) {
        this.startCall(this.nextArrivalAt);
        this.nextArrivalAt += this.gapMs();
      } else if (endsAt === next) {
        const ended = this.inProgress.pop();
        if (ended) this.endCall(ended.call, emit);
      } else {
        this.closeMinute(this.nextMinuteAt, emit);
        this.nextMinuteAt += MINUTE_MS;
      }
    }
    this.simNow = Math.max(this.simNow, now);
  }

  /** Rebuilds a call this fleet made, from its reference, exactly as it was first made. */
  recall(ref: CallRef): CallRecord {
    const parts = decodeCallId(ref.id);
    if (!parts || parts.run !== this.options.run) throw new Error(`recall: '${ref.id}' is not a call of this run`);
    const plan = planCall(this.options.seed, parts.index, this.options.intents);
    const body = composeCall(plan, parts.route, profileFor(faultsFromMask(parts.faultMask)));
    const { baseUrl } = this.options;
    return toCallRecord({ ...ref, intent: plan.intent, route: parts.route, baseUrl }, body);
  }

  private gapMs(): number {
    return this.options.rate > 0 ? this.arrivals.exponential(this.options.rate) * 1000 : Infinity;
  }

  private startCall(at: number): void {
    const index = this.started;
    this.started += 1;
    const startedAt = Math.floor(at);
    const routing = this.inputs.routing();
    const plan = planCall(this.options.seed, index, this.options.intents);
    const route = decideRoute(routing, plan.intent, plan.shareRoll);
    const faults = route === 'agent' && routing.agentVersion === this.options.faultyVersion ? this.inputs.faults(plan.intent) : [];
    const body = composeCall(plan, route, profileFor(faults));
    const id = encodeCallId({ run: this.options.run, index, route, faultMask: faultMask(faults) });
    const call = toCallRecord(
      { id, startedAt, intent: plan.intent, agentVersion: routing.agentVersion, route, baseUrl: this.options.baseUrl },
      body,
    );
    this.inProgress.push({ endsAt: startedAt + body.durationMs, index, call });
  }

  private endCall(call: CallRecord, emit: (out: FleetOutput) => void): void {
    if (!call.connected) this.tally.connectionFailures += 1;
    if (call.errors.some((e) => e.kind === 'tts')) this.tally.ttsFailures += 1;
    for (const turn of call.turns) {
      if (turn.sttConfidence === undefined) continue;
      this.tally.sttSum += turn.sttConfidence;
      this.tally.sttCount += 1;
    }
    emit({ kind: 'call', call });
  }

  private closeMinute(ts: number, emit: (out: FleetOutput) => void): void {
    const t = this.tally;
    emit({ kind: 'metric', ts, name: 'tts.failures', value: t.ttsFailures });
    emit({ kind: 'metric', ts, name: 'connection.failed', value: t.connectionFailures });
    if (t.sttCount > 0) {
      emit({ kind: 'metric', ts, name: 'stt.confidence', value: Math.round((t.sttSum / t.sttCount) * 1000) / 1000 });
    }
    emit({ kind: 'metric', ts, name: 'calls.active', value: this.inProgress.size });
    this.tally = emptyTally();
  }
}
