/**
 * A fixed-size, mergeable latency histogram with log-spaced bins.
 *
 * Bins: [0, 1 ms), then [GROWTH^(i-1), GROWTH^i) ms for i = 1..LOG_BINS (up to about 60.5 s),
 * then one overflow bin. Every instance holds HISTOGRAM_BINS counters whatever it is fed, so a
 * ring of them has a memory cost fixed at construction.
 *
 * Error bound: quantile() uses the nearest-rank definition (the ceil(q*n)-th smallest value) and
 * places its estimate inside the bin that holds that value, interpolating geometrically by rank.
 * The true value and the estimate therefore share a bin [L, GROWTH*L), so for values between
 * 1 ms and the overflow edge the relative error is below GROWTH - 1 = 2%. Below 1 ms the error
 * is below 1 ms; at or beyond the overflow edge the estimate is the edge itself (a floor).
 */

const GROWTH = 1.02;
const LOG_GROWTH = Math.log(GROWTH);
const MAX_MS = 60_000;
const LOG_BINS = Math.ceil(Math.log(MAX_MS) / LOG_GROWTH);
const OVERFLOW_BIN = LOG_BINS + 1;

export const HISTOGRAM_BINS = LOG_BINS + 2;
export const HISTOGRAM_RELATIVE_ERROR = GROWTH - 1;
/** Values at or above this land in the overflow bin and are reported as this value. */
export const HISTOGRAM_OVERFLOW_MS = Math.pow(GROWTH, LOG_BINS);

/** The bin a latency falls in; exported so a caller can compute it once and count it twice. */
export function binOf(valueMs: number): number {
  if (!(valueMs >= 0)) throw new RangeError(`latency must be a non-negative number, got ${valueMs}`);
  if (valueMs < 1) return 0;
  const bin = Math.floor(Math.log(valueMs) / LOG_GROWTH) + 1;
  return bin > OVERFLOW_BIN ? OVERFLOW_BIN : bin;
}

/** Nearest rank, with a tolerance so 0.95 * 100 counts as 95 and not as 95.00000000000001. */
function nearestRank(q: number, n: number): number {
  const rank = Math.ceil(q * n - 1e-9);
  return rank < 1 ? 1 : rank > n ? n : rank;
}

export class LatencyHistogram {
  readonly counts: Uint32Array;
  #count = 0;
  // The occupied bin range, so merge and clear touch only the bins in use.
  #lo = HISTOGRAM_BINS;
  #hi = -1;

  /** `storage` lets many histograms share one contiguous buffer; it must be zeroed. */
  constructor(storage: Uint32Array = new Uint32Array(HISTOGRAM_BINS)) {
    if (storage.length !== HISTOGRAM_BINS) {
      throw new RangeError(`histogram storage must hold ${HISTOGRAM_BINS} bins, got ${storage.length}`);
    }
    this.counts = storage;
  }

  get count(): number {
    return this.#count;
  }

  add(valueMs: number): void {
    this.addToBin(binOf(valueMs), 1);
  }

  addToBin(bin: number, times: number): void {
    this.counts[bin] = (this.counts[bin] ?? 0) + times;
    this.#count += times;
    if (bin < this.#lo) this.#lo = bin;
    if (bin > this.#hi) this.#hi = bin;
  }

  merge(other: LatencyHistogram): void {
    if (other.#count === 0) return;
    const src = other.counts;
    const dst = this.counts;
    for (let i = other.#lo; i <= other.#hi; i++) dst[i] = (dst[i] ?? 0) + (src[i] ?? 0);
    this.#count += other.#count;
    if (other.#lo < this.#lo) this.#lo = other.#lo;
    if (other.#hi > this.#hi) this.#hi = other.#hi;
  }

  clear(): void {
    if (this.#hi >= 0) this.counts.fill(0, this.#lo, this.#hi + 1);
    this.#count = 0;
    this.#lo = HISTOGRAM_BINS;
    this.#hi = -1;
  }

  /** Estimated q-quantile (0..1) in ms, or null when the histogram is empty. */
  quantile(q: number): number | null {
    if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile must be between 0 and 1, got ${q}`);
    if (this.#count === 0) return null;
    const rank = nearestRank(q, this.#count);
    let below = 0;
    for (let bin = this.#lo; bin <= this.#hi; bin++) {
      const inBin = this.counts[bin] ?? 0;
      if (below + inBin < rank) {
        below += inBin;
        continue;
      }
      // Spread the bin's values evenly by rank, each at the middle of its share of the bin.
      const fraction = (rank - below - 0.5) / inBin;
      if (bin === 0) return fraction;
      if (bin === OVERFLOW_BIN) return HISTOGRAM_OVERFLOW_MS;
      return Math.pow(GROWTH, bin - 1 + fraction);
    }
    throw new Error('histogram bin counts do not add up to its total');
  }
}
