import type { CallEvent, CallRecord, MetricEvent, RoutingEvent } from '../shared/protocol.js';

/**
 * The numbered events of the stream (call, metric, routing), the newest `capacity` of them kept
 * in a ring so a client can resume with `since`. seq starts at 1 and rises by one per event.
 *
 * A call record is some 2 KB; 100k of them would hold 200 MB. So only the newest `keepFull`
 * calls are held whole, and older ones as a reference the simulator rebuilds the call from.
 */

export type LoggedEvent =
  | { name: 'call'; payload: CallEvent }
  | { name: 'metric'; payload: MetricEvent }
  | { name: 'routing'; payload: RoutingEvent };

/** What it takes to rebuild a call: the rest follows from the id (see call-id.ts). */
export interface CallRef {
  id: string;
  startedAt: number;
  agentVersion: string;
}

type Entry =
  | { name: 'call'; ref: CallRef; record: CallRecord | undefined }
  | Exclude<LoggedEvent, { name: 'call' }>;

export class EventLog {
  private readonly ring: (Entry | undefined)[];
  private newest = 0;
  private count = 0;

  constructor(
    readonly capacity: number,
    private readonly recall: (ref: CallRef) => CallRecord,
    private readonly keepFull = 2000,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new Error(`bufferSize: must be a whole number of events, 1 or more, got ${capacity}`);
    }
    this.ring = new Array<Entry | undefined>(capacity);
  }

  /** The newest seq issued; 0 before the first event. */
  get newestSeq(): number {
    return this.newest;
  }

  /** The oldest seq still held; newestSeq + 1 while the log is empty. */
  get oldestSeq(): number {
    return this.newest - this.count + 1;
  }

  appendCall(call: CallRecord): number {
    const ref = { id: call.id, startedAt: Date.parse(call.startedAt), agentVersion: call.agentVersion };
    const seq = this.push({ name: 'call', ref, record: call });
    const demoted = this.entry(seq - this.keepFull);
    if (demoted?.name === 'call') demoted.record = undefined;
    return seq;
  }

  appendMetric(metric: { ts: string; name: string; value: number; intent?: string }): number {
    return this.push({ name: 'metric', payload: { ...metric, seq: this.newest + 1 } });
  }

  appendRouting(routing: Omit<RoutingEvent, 'seq'>): number {
    return this.push({ name: 'routing', payload: { ...routing, seq: this.newest + 1 } });
  }

  /** Held events with seq > `after`, oldest first (those older than the log are gone). */
  *after(after: number): Generator<LoggedEvent> {
    for (let seq = Math.max(after + 1, this.oldestSeq); seq <= this.newest; seq += 1) {
      const e = this.entry(seq);
      if (!e) continue;
      if (e.name === 'call') yield { name: 'call', payload: { seq, call: e.record ?? this.recall(e.ref) } };
      else yield e;
    }
  }

  private entry(seq: number): Entry | undefined {
    return seq >= this.oldestSeq && seq <= this.newest ? this.ring[seq % this.capacity] : undefined;
  }

  private push(entry: Entry): number {
    this.newest += 1;
    this.ring[this.newest % this.capacity] = entry;
    this.count = Math.min(this.count + 1, this.capacity);
    return this.newest;
  }
}
