import type { EventCount } from '../../../shared/console-state.js';
import type { GapEvent, HeartbeatEvent, HelloEvent } from '../../../shared/protocol.js';

/**
 * What the console lets through from the stream, decided from seq and platform time alone: pure,
 * clock injected. One event can neither drag stream time into the future nor make every later
 * call look like a duplicate; every event refused is counted in one of four kinds with its reason.
 *
 * Platform time: an event's time must lie between the hello's `serverTime` minus `acceptPastMs`
 * and the platform's clock plus `acceptFutureMs`. The platform's clock is the newest time the
 * server vouched for (hello, heartbeats, accepted events), carried forward by the wall clock; so a
 * server whose calls run ahead of its heartbeats (a simulator playing an hour at once) moves it one
 * small step per event, while a single call dated 2030 is refused.
 *
 * Seq: the next seq is accepted. A hole (a seq further on) is first answered with a resume from the
 * newest seq held, which replays what was missed in order; when the server answers the resume with
 * the same hole, the missing seqs become a gap (the windows over that time read incomplete) and the
 * stream goes on. A seq past the newest the server announced is refused outright. A seq already
 * processed is a duplicate, unless it fills a gap, which it then shrinks.
 */

export interface EventGateOptions {
  /** How far before the hello's serverTime an event may be. */
  acceptPastMs: number;
  /** How far past the platform's clock an event may be. */
  acceptFutureMs: number;
  /** Wall clock, epoch ms. */
  now: () => number;
  /** The newest seq already processed (e.g. kept across a restart). */
  since?: number;
}

export type RefusalKind = 'rejected' | 'late' | 'future' | 'duplicate';

/** Where a lost range of seqs sits in stream time, so the windows over it can be marked incomplete. */
export interface LostRange {
  seqs: { from: number; to: number };
  /** Stream time up to which everything had arrived, and the time the stream picked up again. */
  fromTime: number;
  toTime: number;
}

export type Verdict =
  | { accept: true; lost?: LostRange }
  | { accept: false; kind: RefusalKind; reason: string }
  /** A hole seen for the first time: ask the server to replay from `since`. */
  | { accept: false; kind: 'resume'; reason: string; since: number };

const MAX_GAPS_KEPT = 20;
const HOUR_MS = 3_600_000;

function newCount(): EventCount {
  return { count: 0, lastReason: null, lastAt: null };
}

export class EventGate {
  readonly counts: Record<RefusalKind, EventCount> = {
    rejected: newCount(),
    late: newCount(),
    future: newCount(),
    duplicate: newCount(),
  };
  private lastSeqValue: number;
  private announcedSeq = 0;
  private launchIdValue: string | null = null;
  private windowFrom: number | null = null;
  private platformClock = -Infinity;
  private platformClockAt = 0;
  private streamTimeValue: number | null = null;
  /** The newest seq held when a resume was last asked for a hole, so the same hole is asked once. */
  private resumedFrom: number | null = null;
  private readonly gapList: { from: number; to: number }[] = [];

  constructor(private readonly options: EventGateOptions) {
    this.lastSeqValue = options.since ?? 0;
  }

  get lastSeq(): number {
    return this.lastSeqValue;
  }

  get launchId(): string | null {
    return this.launchIdValue;
  }

  /** The newest platform time accepted, epoch ms. */
  get streamTime(): number | null {
    return this.streamTimeValue;
  }

  /** Seq ranges that never arrived and were given up on. */
  get gaps(): { from: number; to: number }[] {
    return this.gapList.map((g) => ({ ...g }));
  }

  hello(e: HelloEvent): void {
    // A restarted or different stream numbers its events afresh: the seq held here belongs to
    // another run, and keeping it would drop every new call as "already seen". The server starts
    // such a client from now.
    const otherRun = this.launchIdValue !== null && this.launchIdValue !== e.launchId;
    if (otherRun || e.seq < this.lastSeqValue) this.lastSeqValue = e.seq;
    if (otherRun) this.platformClock = -Infinity;
    this.launchIdValue = e.launchId;
    this.announcedSeq = e.seq;
    const serverTime = Date.parse(e.serverTime);
    this.windowFrom = serverTime - this.options.acceptPastMs;
    this.vouch(serverTime);
    this.observe(serverTime);
  }

  /**
   * A heartbeat carries the server's clock and its newest seq. It keeps the stream live only when
   * the console holds everything up to that seq: otherwise events went missing, and a resume is due.
   */
  heartbeat(e: HeartbeatEvent): Verdict {
    const ts = Date.parse(e.ts);
    const time = this.timeVerdict('heartbeat', [['ts', ts]]);
    if (time) return time;
    this.vouch(ts);
    this.announcedSeq = Math.max(this.announcedSeq, e.seq);
    if (e.seq !== this.lastSeqValue) {
      return {
        accept: false,
        kind: 'resume',
        reason: `the server's newest seq is ${e.seq} and the console holds ${this.lastSeqValue}`,
        since: this.lastSeqValue,
      };
    }
    this.observe(ts);
    return { accept: true };
  }

  /** A seq'd event (call, metric, routing) with its times, named for the reasons. */
  sequenced(label: string, seq: number, times: readonly (readonly [string, number])[]): Verdict {
    if (seq <= this.lastSeqValue) {
      if (!this.fillGap(seq)) {
        return this.refuse('duplicate', `${label} seq ${seq} was already processed (newest ${this.lastSeqValue})`);
      }
      const late = this.timeVerdict(label, times);
      return late ?? this.accepted(times);
    }
    let lost: LostRange | undefined;
    if (seq > this.lastSeqValue + 1) {
      if (seq > this.announcedSeq) {
        return this.refuse(
          'rejected',
          `${label} seq ${seq} jumps past the newest seq the server announced (${this.announcedSeq}) from ${this.lastSeqValue}`,
        );
      }
      if (this.resumedFrom !== this.lastSeqValue) {
        this.resumedFrom = this.lastSeqValue;
        return {
          accept: false,
          kind: 'resume',
          reason: `${label} seq ${seq} arrived after seq ${this.lastSeqValue}: seqs ${this.lastSeqValue + 1}-${seq - 1} are missing`,
          since: this.lastSeqValue,
        };
      }
      const seqs = { from: this.lastSeqValue + 1, to: seq - 1 };
      this.addGap(seqs);
      const fromTime = this.streamTimeValue ?? this.windowFrom ?? 0;
      lost = { seqs, fromTime, toTime: fromTime };
    }
    // The seq is used up whatever the verdict on its time, so a refused event leaves no hole behind.
    this.lastSeqValue = seq;
    const refused = this.timeVerdict(label, times);
    if (refused) return refused;
    const verdict = this.accepted(times);
    if (lost) lost.toTime = Math.max(lost.fromTime, ...times.map(([, t]) => t));
    return lost ? { accept: true, lost } : verdict;
  }

  /** An event that failed validation; its seq, when it is the next one, is used up all the same. */
  invalid(label: string, rawSeq: unknown, reason: string): Verdict {
    if (rawSeq === this.lastSeqValue + 1) this.lastSeqValue = rawSeq;
    return this.refuse('rejected', `${label}: ${reason}`);
  }

  /** The server says seqs `from..to` can no longer be replayed. */
  gap(e: GapEvent): Verdict {
    if (e.to > this.announcedSeq) {
      return this.refuse('rejected', `gap ${e.from}-${e.to} reaches past the newest seq the server announced (${this.announcedSeq})`);
    }
    if (e.to <= this.lastSeqValue) return { accept: true };
    const seqs = { from: Math.min(e.from, this.lastSeqValue + 1), to: e.to };
    this.addGap(seqs);
    this.lastSeqValue = e.to;
    const fromTime = this.streamTimeValue ?? this.windowFrom ?? 0;
    return { accept: true, lost: { seqs, fromTime, toTime: Math.max(fromTime, this.clockNow()) } };
  }

  /** The platform's clock now: the newest time it vouched for, carried forward by the wall clock. */
  private clockNow(): number {
    return this.platformClock + Math.max(0, this.options.now() - this.platformClockAt);
  }

  private vouch(t: number): void {
    if (t > this.clockNow()) {
      this.platformClock = t;
      this.platformClockAt = this.options.now();
    }
  }

  private observe(t: number): void {
    if (this.streamTimeValue === null || t > this.streamTimeValue) this.streamTimeValue = t;
  }

  private accepted(times: readonly (readonly [string, number])[]): Verdict {
    for (const [, t] of times) {
      this.vouch(t);
      this.observe(t);
    }
    return { accept: true };
  }

  private timeVerdict(label: string, times: readonly (readonly [string, number])[]): Verdict | null {
    if (this.windowFrom === null) return this.refuse('rejected', `${label} arrived before the server's hello`);
    const latest = this.clockNow() + this.options.acceptFutureMs;
    for (const [field, t] of times) {
      if (t < this.windowFrom) {
        return this.refuse('late', `${label} ${field} ${iso(t)} is ${hoursApart(this.windowFrom + this.options.acceptPastMs, t)} before the server's time at hello; the limit is ${hours(this.options.acceptPastMs)}`);
      }
      if (t > latest) {
        return this.refuse('future', `${label} ${field} ${iso(t)} is ${hoursApart(t, this.clockNow())} ahead of the platform's clock (${iso(this.clockNow())})`);
      }
    }
    return null;
  }

  private refuse(kind: RefusalKind, reason: string): Verdict {
    const count = this.counts[kind];
    count.count += 1;
    count.lastReason = reason;
    count.lastAt = this.options.now();
    return { accept: false, kind, reason };
  }

  private addGap(seqs: { from: number; to: number }): void {
    this.gapList.push({ ...seqs });
    if (this.gapList.length > MAX_GAPS_KEPT) this.gapList.shift();
  }

  /** Whether `seq` lies in a gap; if so it is taken out of it, so it is accepted once only. */
  private fillGap(seq: number): boolean {
    const i = this.gapList.findIndex((g) => g.from <= seq && seq <= g.to);
    const gap = this.gapList[i];
    if (!gap) return false;
    const parts = [
      { from: gap.from, to: seq - 1 },
      { from: seq + 1, to: gap.to },
    ].filter((g) => g.from <= g.to);
    this.gapList.splice(i, 1, ...parts);
    return true;
  }
}

function iso(t: number): string {
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? String(t) : d.toISOString();
}

function hours(ms: number): string {
  return ms >= HOUR_MS ? `${Math.round(ms / HOUR_MS)} h` : `${Math.round(ms / 1000)} s`;
}

function hoursApart(later: number, earlier: number): string {
  return hours(later - earlier);
}
