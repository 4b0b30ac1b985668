import type { ArmComparison, Estimate } from './pilot-metrics.ts';
import {
  chiSquareOneDfPValue,
  normalQuantile,
  studentTQuantile,
  studentTTwoSidedPValue,
  twoSidedPValueFromZ,
  Z_95,
} from './distributions.ts';

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

/** The mean with its 95% confidence interval from Student's t with n − 1 degrees of freedom. */
export function meanEstimate(moments: Moments): Estimate {
  const summary = summarize(moments);
  if (!summary) return { value: null, low: null, high: null, n: 0 };
  const { n, mean, variance } = summary;
  if (n < 2) return { value: mean, low: null, high: null, n };
  const half = studentTQuantile(0.975, n - 1) * Math.sqrt(variance / n);
  return { value: mean, low: mean - half, high: mean + half, n };
}

/** A share with its 95% Wilson score interval (which stays inside 0–1 and behaves near 0 and 1). */
export function proportionEstimate(successes: number, n: number): Estimate {
  if (n === 0) return { value: null, low: null, high: null, n: 0 };
  const p = successes / n;
  if (n < 2) return { value: p, low: null, high: null, n };
  const { low, high } = wilsonInterval(successes, n);
  return { value: p, low, high, n };
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

export interface NpsCounts {
  promoters: number;
  passives: number;
  detractors: number;
}

/** Scores 9–10 promote, 7–8 are passive, 0–6 detract. */
export function npsCategory(score: number): keyof NpsCounts {
  return score >= 9 ? 'promoters' : score >= 7 ? 'passives' : 'detractors';
}

/**
 * Net Promoter Score 100·(p − d) with a 95% interval: each answer scores +1, 0 or −1, whose mean
 * has the variance (p + d − (p − d)²)/n; the interval is the normal one, ±1.96·√var·100 (answers
 * are many where NPS is read, and a t quantile would change the third digit at most), clipped to
 * −100…100.
 */
export function npsEstimate(counts: NpsCounts): Estimate & NpsCounts {
  const n = counts.promoters + counts.passives + counts.detractors;
  if (n === 0) return { value: null, low: null, high: null, n, ...counts };
  const value = (100 * (counts.promoters - counts.detractors)) / n;
  if (n < 2) return { value, low: null, high: null, n, ...counts };
  const half = Z_95 * 100 * Math.sqrt(npsVariance(counts));
  return { value, low: Math.max(-100, value - half), high: Math.min(100, value + half), n, ...counts };
}

/** The variance of the NPS share estimate (as a share, not ×100), from the per-answer scores. */
function npsVariance(counts: NpsCounts): number {
  const n = counts.promoters + counts.passives + counts.detractors;
  const p = counts.promoters / n;
  const d = counts.detractors / n;
  return Math.max(0, p + d - (p - d) ** 2) / n;
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
 * Two arms' means compared: each with its t interval, the difference with Welch's interval and
 * two-sided p-value, and the change relative to the control mean.
 */
export function compareMeans(pilot: Moments, control: Moments): ArmComparison {
  const pilotEstimate = meanEstimate(pilot);
  const controlEstimate = meanEstimate(control);
  const a = summarize(pilot);
  const b = summarize(control);
  const n = pilot.n + control.n;
  if (!a || !b) return incomparable(pilotEstimate, controlEstimate, n);
  const difference = a.mean - b.mean;
  const welch = welchTTest(a, b);
  const half = welch ? studentTQuantile(0.975, welch.df) * welch.standardError : null;
  return {
    pilot: pilotEstimate,
    control: controlEstimate,
    difference: {
      value: difference,
      low: half === null ? null : difference - half,
      high: half === null ? null : difference + half,
      n,
    },
    relativeChange: b.mean === 0 ? null : difference / b.mean,
    pValue: welch?.pValue ?? null,
    significant: welch !== null && welch.pValue < 0.05,
  };
}

/** Two arms' NPS compared: the difference with a z-test on the per-answer variances. */
export function compareNps(pilot: NpsCounts, control: NpsCounts): ArmComparison {
  const pilotEstimate = npsEstimate(pilot);
  const controlEstimate = npsEstimate(control);
  const n = pilotEstimate.n + controlEstimate.n;
  const toEstimate = ({ value, low, high, n }: Estimate): Estimate => ({ value, low, high, n });
  if (pilotEstimate.value === null || controlEstimate.value === null) {
    return incomparable(toEstimate(pilotEstimate), toEstimate(controlEstimate), n);
  }
  const difference = pilotEstimate.value - controlEstimate.value;
  const se = 100 * Math.sqrt(npsVariance(pilot) + npsVariance(control));
  const testable = pilotEstimate.n >= 2 && controlEstimate.n >= 2 && se > 0;
  const pValue = testable ? twoSidedPValueFromZ(difference / se) : null;
  return {
    pilot: toEstimate(pilotEstimate),
    control: toEstimate(controlEstimate),
    difference: {
      value: difference,
      low: testable ? difference - Z_95 * se : null,
      high: testable ? difference + Z_95 * se : null,
      n,
    },
    // NPS runs from −100 to 100: a change relative to it means nothing (−27 to −2 is not −93%).
    relativeChange: null,
    pValue,
    significant: pValue !== null && pValue < 0.05,
  };
}

function incomparable(pilot: Estimate, control: Estimate, n: number): ArmComparison {
  return {
    pilot,
    control,
    difference: { value: null, low: null, high: null, n },
    relativeChange: null,
    pValue: null,
    significant: false,
  };
}

/**
 * The smallest true difference in means a two-sample comparison of n1 and n2 values with
 * variance σ² detects with the given power at two-sided level α:
 * (z₁₋α/₂ + z_power)·√(σ²/n1 + σ²/n2). Null when either sample is empty.
 */
export function minimumDetectableEffect(options: {
  variance: number;
  n1: number;
  n2: number;
  alpha?: number;
  power?: number;
}): number | null {
  const { variance, n1, n2, alpha = 0.05, power = 0.8 } = options;
  if (!(n1 > 0 && n2 > 0) || !Number.isFinite(variance) || variance < 0) return null;
  return (normalQuantile(1 - alpha / 2) + normalQuantile(power)) * Math.sqrt(variance / n1 + variance / n2);
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
