import { HISTOGRAM_BINS, LatencyHistogram } from './histogram.js';

/**
 * A fixed ring of time buckets, each with `width` counters and `histogramKinds` latency
 * histograms. Buckets are numbered (time / bucket length); bucket b lives in slot b mod slots and
 * each slot remembers which bucket it holds, so a slot is recycled lazily the first time a newer
 * bucket writes to it, and a reader can tell a current slot from a stale one without any sweep.
 */
export class BucketRing {
  readonly #counters: Float64Array;
  /** [kind][slot] */
  readonly #histograms: LatencyHistogram[][];
  readonly #tags: Float64Array;

  constructor(
    readonly slots: number,
    readonly width: number,
    histogramKinds: number,
  ) {
    if (!Number.isInteger(slots) || slots < 1) throw new RangeError(`ring slots must be a positive integer, got ${slots}`);
    this.#tags = new Float64Array(slots).fill(-Infinity);
    this.#counters = new Float64Array(slots * width);
    this.#histograms = [];
    for (let kind = 0; kind < histogramKinds; kind++) {
      // One buffer per kind keeps a ring's histograms contiguous in memory.
      const storage = new Uint32Array(slots * HISTOGRAM_BINS);
      const ofKind: LatencyHistogram[] = [];
      for (let slot = 0; slot < slots; slot++) {
        ofKind.push(new LatencyHistogram(storage.subarray(slot * HISTOGRAM_BINS, (slot + 1) * HISTOGRAM_BINS)));
      }
      this.#histograms.push(ofKind);
    }
  }

  get histogramCount(): number {
    return this.#histograms.length * this.slots;
  }

  get(slot: number, counter: number): number {
    return this.#counters[slot * this.width + counter] ?? 0;
  }

  add(slot: number, counter: number, value: number): void {
    const at = slot * this.width + counter;
    this.#counters[at] = (this.#counters[at] ?? 0) + value;
  }

  histogram(kind: number, slot: number): LatencyHistogram {
    const histogram = this.#histograms[kind]?.[slot];
    if (!histogram) throw new RangeError(`no histogram of kind ${kind} in slot ${slot}`);
    return histogram;
  }

  #slotOf(bucket: number): number {
    const slot = bucket % this.slots;
    return slot < 0 ? slot + this.slots : slot;
  }

  /** The slot holding `bucket`, or -1 when the ring does not hold it. */
  find(bucket: number): number {
    const slot = this.#slotOf(bucket);
    return this.#tags[slot] === bucket ? slot : -1;
  }

  /**
   * The slot to write `bucket` into, emptied first if it held an older bucket; -1 when the
   * slot already holds a newer bucket, i.e. `bucket` has left the ring.
   */
  claim(bucket: number): number {
    const slot = this.#slotOf(bucket);
    const held = this.#tags[slot] ?? -Infinity;
    if (held === bucket) return slot;
    if (held > bucket) return -1;
    this.#tags[slot] = bucket;
    this.#counters.fill(0, slot * this.width, (slot + 1) * this.width);
    for (const ofKind of this.#histograms) ofKind[slot]?.clear();
    return slot;
  }
}
