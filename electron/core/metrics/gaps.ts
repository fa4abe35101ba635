/**
 * Stream-time ranges [from, to) known to be missing data, kept sorted and disjoint. The list is
 * bounded: past `capacity`, the two closest neighbours merge into one range covering both,
 * which can only mark more time as unobserved, never less.
 */
export class GapSet {
  #gaps: Array<{ from: number; to: number }> = [];

  constructor(readonly capacity = 32) {}

  get size(): number {
    return this.#gaps.length;
  }

  add(fromMs: number, toMs: number): void {
    if (!Number.isFinite(fromMs) || !Number.isFinite(toMs)) {
      throw new RangeError(`gap bounds must be finite epoch ms, got from=${fromMs} to=${toMs}`);
    }
    if (toMs < fromMs) throw new RangeError(`gap ends (${toMs}) before it starts (${fromMs})`);
    if (toMs === fromMs) return;
    let from = fromMs;
    let to = toMs;
    const kept: Array<{ from: number; to: number }> = [];
    for (const gap of this.#gaps) {
      if (gap.to < from || gap.from > to) kept.push(gap);
      else {
        from = Math.min(from, gap.from);
        to = Math.max(to, gap.to);
      }
    }
    kept.push({ from, to });
    kept.sort((a, b) => a.from - b.from);
    while (kept.length > this.capacity) mergeClosestPair(kept);
    this.#gaps = kept;
  }

  /** Whether any gap overlaps [fromMs, toMs). */
  overlaps(fromMs: number, toMs: number): boolean {
    return this.#gaps.some((gap) => gap.from < toMs && gap.to > fromMs);
  }

  /** Forgets gaps that end at or before `ms`, which no window can reach any more. */
  forgetBefore(ms: number): void {
    if (this.#gaps.some((gap) => gap.to <= ms)) this.#gaps = this.#gaps.filter((gap) => gap.to > ms);
  }
}

function mergeClosestPair(gaps: Array<{ from: number; to: number }>): void {
  let best = 0;
  let bestDistance = Infinity;
  for (let i = 0; i + 1 < gaps.length; i++) {
    const distance = (gaps[i + 1]?.from ?? Infinity) - (gaps[i]?.to ?? -Infinity);
    if (distance < bestDistance) {
      bestDistance = distance;
      best = i;
    }
  }
  const left = gaps[best];
  const right = gaps[best + 1];
  if (!left || !right) return;
  gaps.splice(best, 2, { from: left.from, to: Math.max(left.to, right.to) });
}
