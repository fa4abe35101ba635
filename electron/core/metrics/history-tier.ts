import { HISTOGRAM_BINS, HISTOGRAM_RELATIVE_ERROR, LatencyHistogram } from './histogram.js';
import { COUNTER_COUNT } from './call-tally.js';

/**
 * The long history keeps latency histograms at half the live resolution: two neighbouring bins of
 * the live histogram share one here. That halves the largest part of the history's memory, and a
 * percentile read back from it is still within HISTORY_RELATIVE_ERROR (about 4%) of the true one.
 */
export const HISTORY_BINS = Math.ceil((HISTOGRAM_BINS - 1) / 2) + 1;
export const HISTORY_RELATIVE_ERROR = (1 + HISTOGRAM_RELATIVE_ERROR) ** 2 - 1;

export function historyBin(liveBin: number): number {
  return Math.ceil(liveBin / 2);
}

/**
 * Puts a history histogram back into a live one for its quantiles: each count is split between
 * the two live bins it came from, so the estimate sits across the pair rather than at its floor.
 */
export function expandInto(bins: ArrayLike<number>, offset: number, into: LatencyHistogram): void {
  into.clear();
  for (let bin = 0; bin < HISTORY_BINS; bin++) {
    const n = bins[offset + bin] ?? 0;
    if (n === 0) continue;
    if (bin === 0) {
      into.addToBin(0, n);
      continue;
    }
    const low = 2 * bin - 1;
    const high = 2 * bin;
    if (high >= HISTOGRAM_BINS) {
      into.addToBin(low, n);
      continue;
    }
    const half = Math.floor(n / 2);
    if (half > 0) into.addToBin(low, half);
    into.addToBin(high, n - half);
  }
}

/** A scope's slot: its call counters, then turn latencies, then first-word latencies. */
export const TURN_OFFSET = COUNTER_COUNT;
export const FIRST_WORD_OFFSET = COUNTER_COUNT + HISTORY_BINS;
export const SCOPE_SLOT_WIDTH = COUNTER_COUNT + 2 * HISTORY_BINS;

interface Chunk {
  data: Uint32Array;
  tags: Float64Array;
}

/**
 * A fixed ring of time slots, each `width` counters wide. Slot i holds time index i mod slots and
 * remembers which index it holds, as the live BucketRing does. Storage is taken a chunk of slots
 * at a time, the first time a slot of the chunk is written, so a launch of a few hours costs a
 * few hours of slots; the ring can never take more than `boundBytes`.
 */
export class HistoryTier {
  readonly #chunks: (Chunk | undefined)[];

  constructor(
    readonly slots: number,
    readonly width: number,
    readonly chunkSlots: number,
  ) {
    if (!Number.isInteger(slots) || slots < 1) throw new RangeError(`history slots must be a positive integer, got ${slots}`);
    if (!Number.isInteger(chunkSlots) || chunkSlots < 1) throw new RangeError(`chunk slots must be a positive integer, got ${chunkSlots}`);
    this.#chunks = new Array<Chunk | undefined>(Math.ceil(slots / chunkSlots));
  }

  /** Bytes of the slots taken so far. */
  get bytes(): number {
    let n = 0;
    for (const chunk of this.#chunks) if (chunk) n += chunk.data.byteLength + chunk.tags.byteLength;
    return n;
  }

  /** Bytes once every chunk is taken: the most this ring ever holds. */
  get boundBytes(): number {
    return this.#chunks.length * this.chunkSlots * (this.width * Uint32Array.BYTES_PER_ELEMENT + Float64Array.BYTES_PER_ELEMENT);
  }

  /** The counters of the slot holding `index`, or null when the ring does not hold it. */
  find(index: number): Uint32Array | null {
    const { chunk, at } = this.#locate(index);
    if (!chunk || chunk.tags[at] !== index) return null;
    return chunk.data.subarray(at * this.width, (at + 1) * this.width);
  }

  /**
   * The counters to write `index` into. A slot holding an older index is handed to `evict` first
   * and then emptied; null when the slot holds a newer index, i.e. `index` has left the ring.
   */
  claim(index: number, evict?: (index: number, counters: Uint32Array) => void): Uint32Array | null {
    const located = this.#locate(index);
    const chunk = (located.chunk ??= this.#allocate(index));
    const held = chunk.tags[located.at] ?? -Infinity;
    const counters = chunk.data.subarray(located.at * this.width, (located.at + 1) * this.width);
    if (held === index) return counters;
    if (held > index) return null;
    if (held !== -Infinity) evict?.(held, counters);
    counters.fill(0);
    chunk.tags[located.at] = index;
    return counters;
  }

  /** Every index the ring holds, with its counters, in no particular order. */
  *entries(): Generator<[number, Uint32Array]> {
    for (const chunk of this.#chunks) {
      if (!chunk) continue;
      for (let at = 0; at < chunk.tags.length; at++) {
        const tag = chunk.tags[at] ?? -Infinity;
        if (tag !== -Infinity) yield [tag, chunk.data.subarray(at * this.width, (at + 1) * this.width)];
      }
    }
  }

  #locate(index: number): { chunk: Chunk | undefined; at: number } {
    let slot = index % this.slots;
    if (slot < 0) slot += this.slots;
    return { chunk: this.#chunks[Math.floor(slot / this.chunkSlots)], at: slot % this.chunkSlots };
  }

  #allocate(index: number): Chunk {
    let slot = index % this.slots;
    if (slot < 0) slot += this.slots;
    const chunk = { data: new Uint32Array(this.chunkSlots * this.width), tags: new Float64Array(this.chunkSlots).fill(-Infinity) };
    this.#chunks[Math.floor(slot / this.chunkSlots)] = chunk;
    return chunk;
  }
}
