/**
 * One-sided confidence bounds on a proportion (Wilson score interval), and how many more calls a
 * rate needs before its bound clears a limit. Alert rules judge rates with these, and so does the
 * staged rollout: a canary's few calls must not decide on a point estimate alone.
 *
 * The Wilson interval is the set of proportions a score test at the same level does not reject, so
 * "the bound is beyond the limit" is exactly "the score test rejects the limit", which gives the
 * sample-size formulas below in closed form.
 */

/** Which side of the interval: the lower bound proves a rate above a ceiling, the upper one below a floor. */
export type BoundSide = 'lower' | 'upper';

export const DEFAULT_CONFIDENCE = 0.95;

/**
 * The standard normal quantile (Acklam's rational approximation, relative error below 1.2e-9),
 * so any configured confidence level gets its own z.
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`a quantile needs a probability strictly between 0 and 1, not ${p}`);
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  const tail = (q: number): number =>
    (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  if (p < low) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - low) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}

/** z for a one-sided bound at `confidence` (1.645 at 95%); 0 at 0.5, where the bound is the estimate itself. */
export function oneSidedZ(confidence: number): number {
  if (!(confidence >= 0.5 && confidence < 1)) throw new RangeError(`confidence must be at least 0.5 and below 1, not ${confidence}`);
  return confidence === 0.5 ? 0 : normalQuantile(confidence);
}

export interface Interval {
  lower: number;
  upper: number;
}

/**
 * The Wilson score interval for `successes` out of `n` at a given z (two-sided at the level
 * whose half-width is z; each end alone is a one-sided bound at the matching level). `successes`
 * may be fractional: a rate times its sample. No observations bound nothing: [0, 1].
 */
export function wilsonInterval(successes: number, n: number, z: number): Interval {
  if (!(n >= 0) || !(successes >= 0) || successes > n) throw new RangeError(`need 0 <= successes <= n, got ${successes} of ${n}`);
  if (n === 0) return { lower: 0, upper: 1 };
  const p = successes / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // At 0 or n successes one end is exactly 0 or 1; rounding would leave a speck on screen.
  return { lower: successes === 0 ? 0 : Math.max(0, centre - half), upper: successes === n ? 1 : Math.min(1, centre + half) };
}

/** The one-sided bound at `confidence` on a proportion observed as `rate` over `n`. */
export function wilsonBound(rate: number, n: number, side: BoundSide, confidence = DEFAULT_CONFIDENCE): number {
  const interval = wilsonInterval(rate * n, n, oneSidedZ(confidence));
  return side === 'lower' ? interval.lower : interval.upper;
}

/** True when the bound is strictly beyond the limit: the lower bound above a ceiling, the upper below a floor. */
export function boundBeyond(bound: number, limit: number, side: BoundSide): boolean {
  return side === 'lower' ? bound > limit : bound < limit;
}

/**
 * The least sample at which an observed `rate` would put its bound beyond `limit`, the rate staying
 * as it is; null when no sample would (the rate is not beyond the limit at all). From the score
 * test: the bound passes the limit once n > z^2 * limit * (1 - limit) / (rate - limit)^2.
 */
export function sampleToProve(rate: number, limit: number, side: BoundSide, confidence = DEFAULT_CONFIDENCE): number | null {
  if (side === 'lower' ? rate <= limit : rate >= limit) return null;
  const z = oneSidedZ(confidence);
  const edge = (z * z * limit * (1 - limit)) / ((rate - limit) * (rate - limit));
  return Math.floor(edge) + 1;
}

/**
 * More calls needed at the current rate before its bound clears the limit: 0 when it already
 * does, null when the rate itself is not beyond the limit.
 */
export function callsNeeded(rate: number, n: number, limit: number, side: BoundSide, confidence = DEFAULT_CONFIDENCE): number | null {
  const total = sampleToProve(rate, limit, side, confidence);
  if (total === null) return null;
  return boundBeyond(wilsonBound(rate, n, side, confidence), limit, side) ? 0 : Math.max(1, total - n);
}

/**
 * The least sample at which one bad call alone no longer puts the bound beyond the limit. Below it
 * a single error would trip a ceiling of 0.5% (the Wilson interval is also at its least accurate
 * with one event), so a rule judged by a bound waits for this many before judging at all.
 * A bad call is a success for a ceiling (an error among calls) and a failure for a floor.
 */
export function leastSampleToJudge(limit: number, side: BoundSide, confidence = DEFAULT_CONFIDENCE): number {
  const z = oneSidedZ(confidence);
  // One bad call in n, as a rate of bad calls against the matching ceiling: 1/n - c <= z * sqrt(c(1-c)/n).
  // With s = 1/sqrt(n): s^2 - z*sqrt(c(1-c))*s - c <= 0, so s <= (k + sqrt(k^2 + 4c)) / 2.
  const c = side === 'lower' ? limit : 1 - limit;
  if (c <= 0) return 1;
  const k = z * Math.sqrt(c * (1 - c));
  const s = (k + Math.sqrt(k * k + 4 * c)) / 2;
  return Math.max(1, Math.ceil(1 / (s * s) - 1e-9));
}

/** "95% lower bound": how the screen and the reasons name a bound. */
export function boundName(side: BoundSide, confidence = DEFAULT_CONFIDENCE): string {
  return `${Number((confidence * 100).toFixed(1))}% ${side} bound`;
}
