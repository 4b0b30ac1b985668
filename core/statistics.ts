import type { ArmComparison, Estimate } from './pilot-metrics.ts';
import {
  chiSquareOneDfPValue,
  normalQuantile,
  studentTQuantile,
  studentTTwoSidedPValue,
  Z_95,
} from './distributions.ts';
import { sequentialPValue, sequentialZ } from './sequential.ts';

// Estimates and tests over samples summarized as counts or moments, so that chunks of a cohort add up.

/** A sample summarized: `variance` is the sample variance (divided by n − 1). */
export interface SampleSummary {
  n: number;
  mean: number;
  variance: number;
}

/** Count, sum and sum of squares of a sample: enough for its mean and variance, and additive. */
export interface Moments {
  n: number;
  sum: number;
  sumOfSquares: number;
}

export interface MomentAccumulator extends Readonly<Moments> {
  /** Adds `value` `times` times (a customer with no contacts adds a 0). */
  add(value: number, times?: number): void;
  /** Adds another sample's moments, so that partial results computed apart add up. */
  merge(other: Moments): void;
  moments(): Moments;
}

export function createMomentAccumulator(
  initial: Moments = { n: 0, sum: 0, sumOfSquares: 0 },
): MomentAccumulator {
  const state = { ...initial };
  return {
    get n() {
      return state.n;
    },
    get sum() {
      return state.sum;
    },
    get sumOfSquares() {
      return state.sumOfSquares;
    },
    add(value, times = 1) {
      state.n += times;
      state.sum += value * times;
      state.sumOfSquares += value * value * times;
    },
    merge(other) {
      state.n += other.n;
      state.sum += other.sum;
      state.sumOfSquares += other.sumOfSquares;
    },
    moments: () => ({ ...state }),
  };
}

/** Mean and sample variance of the moments (null for an empty sample; variance 0 for one value). */
export function summarize(moments: Moments): SampleSummary | null {
  const { n, sum, sumOfSquares } = moments;
  if (n === 0) return null;
  const mean = sum / n;
  // Rounding can take the difference of squares a hair below zero for a constant sample.
  const variance = n < 2 ? 0 : Math.max(0, (sumOfSquares - sum * mean) / (n - 1));
  return { n, mean, variance };
}

/** Where a figure's scale ends (CSAT 1–5, CES 1–7, NPS −100…100): intervals stop there. */
export interface Bounds {
  min: number;
  max: number;
}

/** A count per customer or per bill: never below 0. */
export const COUNT_BOUNDS: Bounds = { min: 0, max: Infinity };

const clip = (v: number, bounds: Bounds | undefined) =>
  bounds ? Math.min(bounds.max, Math.max(bounds.min, v)) : v;

/**
 * An estimate with its always-valid interval (value ± z(n)·se, see sequential.ts) and, beside it,
 * the fixed-horizon one (value ± `fixedZ`·se), the value and both intervals clipped to the
 * scale's bounds (an adjusted mean of counts can come out a hair below 0; the count cannot).
 */
export function symmetricEstimate(
  value: number,
  standardError: number,
  n: number,
  fixedZ: number,
  bounds?: Bounds,
): Estimate {
  const half = sequentialZ(n) * standardError;
  const fixedHalf = fixedZ * standardError;
  return {
    value: clip(value, bounds),
    low: clip(value - half, bounds),
    high: clip(value + half, bounds),
    n,
    fixed: { low: clip(value - fixedHalf, bounds), high: clip(value + fixedHalf, bounds) },
  };
}

const nothing = (n: number): Estimate => ({ value: null, low: null, high: null, n });

/**
 * The mean with its always-valid interval and the fixed-horizon t interval (n − 1 degrees of
 * freedom), both kept inside the scale's `bounds` when it has some (CSAT 1–5).
 */
export function meanEstimate(moments: Moments, bounds?: Bounds): Estimate {
  return summaryEstimate(summarize(moments), bounds);
}

/** The same from a summary (a CUPED-adjusted one too). */
export function summaryEstimate(summary: SampleSummary | null, bounds?: Bounds): Estimate {
  if (!summary) return nothing(0);
  const { n, mean, variance } = summary;
  if (n < 2) return { value: mean, low: null, high: null, n };
  return symmetricEstimate(mean, Math.sqrt(variance / n), n, studentTQuantile(0.975, n - 1), bounds);
}

/**
 * A share with its Wilson score interval (inside 0–1, well-behaved near 0 and 1): always valid
 * with z(n) in place of 1.96, fixed-horizon with 1.96.
 */
export function proportionEstimate(successes: number, n: number): Estimate {
  if (n === 0) return nothing(0);
  const p = successes / n;
  if (n < 2) return { value: p, low: null, high: null, n };
  const always = wilsonInterval(successes, n, sequentialZ(n));
  return { value: p, ...always, n, fixed: wilsonInterval(successes, n) };
}

/** The Wilson score interval of `successes` out of `n` (z = 1.96 for 95%). */
export function wilsonInterval(
  successes: number,
  n: number,
  z: number = Z_95,
): { low: number; high: number } {
  if (!(n > 0)) throw new RangeError(`wilsonInterval needs n > 0, got ${n}`);
  const p = successes / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

export interface WelchResult {
  t: number;
  /** Welch–Satterthwaite degrees of freedom. */
  df: number;
  pValue: number;
  /** The standard error of the difference of the means. */
  standardError: number;
}

/**
 * Welch's t-test of a − b (unequal variances). Null when either sample has fewer than two values
 * or both have no spread at all (the test says nothing then).
 */
export function welchTTest(a: SampleSummary, b: SampleSummary): WelchResult | null {
  if (a.n < 2 || b.n < 2) return null;
  const va = a.variance / a.n;
  const vb = b.variance / b.n;
  const se2 = va + vb;
  if (!(se2 > 0)) return null;
  const standardError = Math.sqrt(se2);
  const t = (a.mean - b.mean) / standardError;
  const df = (se2 * se2) / ((va * va) / (a.n - 1) + (vb * vb) / (b.n - 1));
  return { t, df, pValue: studentTTwoSidedPValue(t, df), standardError };
}

/**
 * Fieller's interval for the ratio of two independent means μa/μb at the multiplier z: every r
 * that a z-test of μa − r·μb = 0 does not reject, the r with (ā − r·b̄)² ≤ z²·(Var ā + r²·Var b̄).
 * At r = 1 that is the test of the difference with the same z, so the ratio's interval holds 1
 * exactly when the difference's holds 0: the two never contradict each other. (The delta method,
 * used before, does not have this property: with the control mean near 0 it gave a tight
 * interval far from 1 while the difference was not significant.) The set is a bounded interval
 * only when b̄² > z²·Var b̄, when the control mean's own interval excludes 0; otherwise it reaches
 * infinity and this gives null.
 */
export function fiellerInterval(
  a: SampleSummary,
  b: SampleSummary,
  z: number,
): { low: number; high: number } | null {
  const va = a.variance / a.n;
  const vb = b.variance / b.n;
  const z2 = z * z;
  const quadratic = b.mean ** 2 - z2 * vb;
  if (!(quadratic > 0) || !Number.isFinite(z)) return null;
  const half = a.mean * b.mean;
  // B² − AC = z²·Var ā·A + z²·Var b̄·ā² ≥ 0 when A > 0: two real roots.
  const root = Math.sqrt(Math.max(0, half * half - quadratic * (a.mean ** 2 - z2 * va)));
  return { low: (half - root) / quadratic, high: (half + root) / quadratic };
}

/**
 * The change of a's mean relative to b's, a/b − 1, with Fieller's always-valid interval (z(n))
 * and fixed-horizon one (`fixedZ`), clipped at −100% when the means cannot be negative. Null when
 * b̄ is 0; the value without bounds (or without the fixed interval) when control's mean is not
 * distinguishable from 0 at that multiplier, for then the change could be of any size.
 */
export function relativeChange(
  a: SampleSummary,
  b: SampleSummary,
  n: number,
  fixedZ: number,
  bounds?: Bounds,
): Estimate | null {
  if (b.mean === 0) return null;
  const floor = !bounds || bounds.min >= 0 ? -1 : -Infinity;
  const shift = (i: { low: number; high: number }) => ({
    low: Math.max(floor, i.low - 1),
    high: i.high - 1,
  });
  const always = fiellerInterval(a, b, sequentialZ(n));
  const fixed = fiellerInterval(a, b, fixedZ);
  return {
    value: Math.max(floor, a.mean / b.mean - 1),
    ...(always ? shift(always) : { low: null, high: null }),
    n,
    ...(fixed ? { fixed: shift(fixed) } : {}),
  };
}

/**
 * Two arms' means compared from their summaries (CUPED-adjusted ones too): each arm's mean, the
 * difference with the always-valid interval and Welch's fixed-horizon interval and p-value, and
 * the relative change with Fieller's intervals (consistent with the difference's). Significant:
 * the always-valid interval excludes 0. `bounds`: where each arm's figure can lie (a count per
 * customer is never below 0); the difference then lies within max − min of 0.
 */
export function compareSummaries(
  a: SampleSummary | null,
  b: SampleSummary | null,
  bounds?: Bounds,
): ArmComparison {
  const pilot = summaryEstimate(a, bounds);
  const control = summaryEstimate(b, bounds);
  const n = (a?.n ?? 0) + (b?.n ?? 0);
  if (!a || !b) return incomparable(pilot, control, n);
  return compareSpread(spreadOf(a, b), spreadOf(b, a), { pilot, control, n }, bounds);
}

/**
 * An arm whose values are all the same (no pilot customer complained) has a sample variance of 0,
 * which says only that its spread was not seen, not that there is none: 0 complaints in 30
 * customers is as likely at the control's 5 in 100. Such an arm takes the other arm's variance
 * for its mean's uncertainty; two arms without spread are not compared.
 */
function spreadOf(own: SampleSummary, other: SampleSummary): SampleSummary {
  return own.variance > 0 || own.n < 2 ? own : { ...own, variance: other.variance };
}

function compareSpread(
  a: SampleSummary,
  b: SampleSummary,
  { pilot, control, n }: { pilot: Estimate; control: Estimate; n: number },
  bounds?: Bounds,
): ArmComparison {
  const difference = a.mean - b.mean;
  const welch = welchTTest(a, b);
  if (!welch) {
    return {
      ...incomparable(pilot, control, n),
      difference: { value: difference, low: null, high: null, n },
    };
  }
  const fixedZ = studentTQuantile(0.975, welch.df);
  const span = bounds ? bounds.max - bounds.min : Infinity;
  return {
    pilot,
    control,
    difference: symmetricEstimate(difference, welch.standardError, n, fixedZ, { min: -span, max: span }),
    relative: relativeChange(a, b, n, fixedZ, bounds),
    pValue: welch.pValue,
    sequentialPValue: sequentialPValue(welch.t, n),
    significant: Math.abs(welch.t) > sequentialZ(n),
    significantFixed: welch.pValue < 0.05,
  };
}

/** Two arms' means compared (Welch), each arm with its own interval, kept inside `bounds`. */
export function compareMeans(pilot: Moments, control: Moments, bounds?: Bounds): ArmComparison {
  return compareSummaries(summarize(pilot), summarize(control), bounds);
}

export function incomparable(pilot: Estimate, control: Estimate, n: number): ArmComparison {
  return {
    pilot,
    control,
    difference: nothing(n),
    relative: null,
    pValue: null,
    sequentialPValue: null,
    significant: false,
    significantFixed: false,
  };
}

/**
 * The smallest true difference in means a comparison of n1 and n2 values detects with the given
 * power at two-sided level α, each arm with its own variance:
 * (z₁₋α/₂ + z_power)·√(σ₁²/n1 + σ₂²/n2). Null when either sample is empty.
 */
export function minimumDetectableEffect(options: {
  variance1: number;
  variance2: number;
  n1: number;
  n2: number;
  alpha?: number;
  power?: number;
}): number | null {
  const { variance1, variance2, n1, n2, alpha = 0.05, power = 0.8 } = options;
  if (!(n1 > 0 && n2 > 0)) return null;
  if (![variance1, variance2].every((v) => Number.isFinite(v) && v >= 0)) return null;
  return (normalQuantile(1 - alpha / 2) + normalQuantile(power)) * Math.sqrt(variance1 / n1 + variance2 / n2);
}

/**
 * χ² goodness of fit (one degree of freedom) of a two-way split against the expected share of
 * the first side. An empty split fits trivially (χ² 0, p 1).
 */
export function splitGoodnessOfFit(
  first: number,
  second: number,
  expectedFirstShare: number,
): { chiSquare: number; pValue: number } {
  if (!(expectedFirstShare > 0 && expectedFirstShare < 1)) {
    throw new RangeError(`splitGoodnessOfFit needs 0 < share < 1, got ${expectedFirstShare}`);
  }
  const total = first + second;
  if (total === 0) return { chiSquare: 0, pValue: 1 };
  const expectedFirst = total * expectedFirstShare;
  const expectedSecond = total - expectedFirst;
  const chiSquare =
    (first - expectedFirst) ** 2 / expectedFirst + (second - expectedSecond) ** 2 / expectedSecond;
  return { chiSquare, pValue: chiSquareOneDfPValue(chiSquare) };
}

/** The median of the values (the mean of the two middle ones for an even count); null when none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
