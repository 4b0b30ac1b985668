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

const clip = (v: number, bounds: Bounds | undefined) =>
  bounds ? Math.min(bounds.max, Math.max(bounds.min, v)) : v;

/**
 * An estimate with its always-valid interval (value ± z(n)·se, see sequential.ts) and, beside it,
 * the fixed-horizon one (value ± `fixedZ`·se), both clipped to the scale's bounds.
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
    value,
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
 * The change of a's mean relative to b's, a/b − 1, with its standard error by the delta method:
 * Var(ā/b̄) ≈ Var(ā)/b̄² + ā²·Var(b̄)/b̄⁴ (the arms are independent). Dividing the difference's
 * interval by b̄ as if b̄ were exact leaves out the second term and reports an increase too
 * narrow. Null when b̄ is 0.
 */
export function relativeChange(
  a: SampleSummary,
  b: SampleSummary,
): { value: number; standardError: number } | null {
  if (b.mean === 0) return null;
  const va = a.variance / a.n;
  const vb = b.variance / b.n;
  return {
    value: a.mean / b.mean - 1,
    standardError: Math.sqrt(va / b.mean ** 2 + (a.mean ** 2 * vb) / b.mean ** 4),
  };
}

/**
 * Two arms' means compared from their summaries (CUPED-adjusted ones too): each arm's mean, the
 * difference with the always-valid interval and Welch's fixed-horizon interval and p-value, and
 * the relative change by the delta method. Significant: the always-valid interval excludes 0.
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
  const difference = a.mean - b.mean;
  const welch = welchTTest(a, b);
  if (!welch) {
    return {
      ...incomparable(pilot, control, n),
      difference: { value: difference, low: null, high: null, n },
    };
  }
  const relative = relativeChange(a, b);
  const relativeFixedZ = studentTQuantile(0.975, welch.df);
  return {
    pilot,
    control,
    difference: symmetricEstimate(difference, welch.standardError, n, studentTQuantile(0.975, welch.df)),
    relative:
      relative && relative.standardError > 0
        ? symmetricEstimate(relative.value, relative.standardError, n, relativeFixedZ, {
            min: -1,
            max: Infinity,
          })
        : null,
    pValue: welch.pValue,
    sequentialPValue: sequentialPValue(welch.t, n),
    significant: Math.abs(welch.t) > sequentialZ(n),
    significantFixed: welch.pValue < 0.05,
  };
}

/** Two arms' means compared (Welch), each arm with its own interval. */
export function compareMeans(pilot: Moments, control: Moments): ArmComparison {
  return compareSummaries(summarize(pilot), summarize(control));
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
