import { HOUR_MS, type HourTraffic, type IntentTraffic, type TimeRange } from '../../../shared/sampling.js';

interface IntentCounts {
  traffic: Uint32Array;
  failures: Uint32Array;
}

/** One non-zero cell, as persisted and restored. */
export type HourCell = [intent: string, hour: number, traffic: number, failures: number];

/**
 * Calls and failures per intent per clock hour, in a ring of fixed size (72 hours covers the
 * 48-hour launch with room to spare): memory stays the same however long the launch runs, and
 * past the ring's span the oldest hour is reused.
 */
export class HourlyTraffic {
  /** Hour number (epoch ms / 1 h) each slot holds, or -1 for a slot never used. */
  private readonly hourOfSlot: Float64Array;
  private readonly byIntent = new Map<string, IntentCounts>();

  constructor(readonly hours = 72) {
    if (!Number.isInteger(hours) || hours < 1) throw new RangeError(`hours must be a positive integer, got ${hours}`);
    this.hourOfSlot = new Float64Array(hours).fill(-1);
  }

  /** Adds counts at a moment; returns false when that hour has already left the ring. */
  add(intent: string, atMs: number, traffic: number, failures: number): boolean {
    return this.addAtHour(intent, Math.floor(atMs / HOUR_MS), traffic, failures);
  }

  addAtHour(intent: string, hour: number, traffic: number, failures: number): boolean {
    const slot = hour % this.hours;
    const held = this.hourOfSlot[slot] ?? -1;
    if (hour < held) return false;
    if (hour > held) {
      for (const counts of this.byIntent.values()) {
        counts.traffic[slot] = 0;
        counts.failures[slot] = 0;
      }
      this.hourOfSlot[slot] = hour;
    }
    const counts = this.countsOf(intent);
    counts.traffic[slot] = (counts.traffic[slot] ?? 0) + traffic;
    counts.failures[slot] = (counts.failures[slot] ?? 0) + failures;
    return true;
  }

  /** Per-intent totals over the hours that overlap the range, in the order intents first appeared. */
  inRange(range: TimeRange): IntentTraffic[] {
    const slots = this.slotsOverlapping(range);
    return [...this.byIntent].map(([intent, counts]) => {
      let traffic = 0;
      let failures = 0;
      for (const s of slots) {
        traffic += counts.traffic[s] ?? 0;
        failures += counts.failures[s] ?? 0;
      }
      return { intent, traffic, failures };
    });
  }

  /** Every held hour overlapping the range, oldest first; one intent or all of them. */
  series(range: TimeRange, intent?: string): HourTraffic[] {
    const one = intent === undefined ? undefined : this.byIntent.get(intent);
    const intents = intent === undefined ? [...this.byIntent.values()] : one ? [one] : [];
    return this.slotsOverlapping(range)
      .map((s) => {
        let traffic = 0;
        let failures = 0;
        for (const c of intents) {
          traffic += c.traffic[s] ?? 0;
          failures += c.failures[s] ?? 0;
        }
        return { hourStart: (this.hourOfSlot[s] ?? 0) * HOUR_MS, traffic, failures };
      })
      .sort((x, y) => x.hourStart - y.hourStart);
  }

  /** The non-zero cells, enough to rebuild this histogram with addAtHour. */
  cells(): HourCell[] {
    const out: HourCell[] = [];
    for (const [intent, counts] of this.byIntent) {
      for (let s = 0; s < this.hours; s++) {
        const traffic = counts.traffic[s] ?? 0;
        const failures = counts.failures[s] ?? 0;
        if (traffic > 0 || failures > 0) out.push([intent, this.hourOfSlot[s] ?? 0, traffic, failures]);
      }
    }
    return out;
  }

  private countsOf(intent: string): IntentCounts {
    let counts = this.byIntent.get(intent);
    if (!counts) {
      counts = { traffic: new Uint32Array(this.hours), failures: new Uint32Array(this.hours) };
      this.byIntent.set(intent, counts);
    }
    return counts;
  }

  private slotsOverlapping(range: TimeRange): number[] {
    const out: number[] = [];
    for (let s = 0; s < this.hours; s++) {
      const hour = this.hourOfSlot[s] ?? -1;
      if (hour >= 0 && hour * HOUR_MS < range.to && (hour + 1) * HOUR_MS > range.from) out.push(s);
    }
    return out;
  }
}
