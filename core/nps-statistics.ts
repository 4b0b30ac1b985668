import { twoSidedPValueFromZ, Z_95 } from './distributions.ts';
import type { ArmComparison, Estimate } from './pilot-metrics.ts';
import { sequentialPValue, sequentialZ } from './sequential.ts';
import { incomparable, symmetricEstimate, type Bounds } from './statistics.ts';

// Net Promoter Score: each answer scores +1 (9–10), 0 (7–8) or −1 (0–6); NPS is 100 × their mean.

const NPS_BOUNDS: Bounds = { min: -100, max: 100 };

export interface NpsCounts {
  promoters: number;
  passives: number;
  detractors: number;
}

/** Scores 9–10 promote, 7–8 are passive, 0–6 detract. */
export function npsCategory(score: number): keyof NpsCounts {
  return score >= 9 ? 'promoters' : score >= 7 ? 'passives' : 'detractors';
}

const npsPoints = (score: number) => (score >= 9 ? 1 : score >= 7 ? 0 : -1);

/**
 * NPS with the adjusted-Wald interval of Rocks (2016, The American Statistician 70(4)): ¾ of an
 * answer is added to the promoters and to the detractors and 3 to n (so 1½ to the passives), and
 * the interval is the normal one around the adjusted score. Unlike the plain normal interval it
 * keeps its coverage with a few dozen answers and near ±100. The value shown is the plain NPS.
 */
export function npsEstimate(counts: NpsCounts): Estimate & NpsCounts {
  const n = counts.promoters + counts.passives + counts.detractors;
  if (n === 0) return { value: null, low: null, high: null, n, ...counts };
  const value = (100 * (counts.promoters - counts.detractors)) / n;
  if (n < 2) return { value, low: null, high: null, n, ...counts };
  const adjustedN = n + 3;
  const p = (counts.promoters + 0.75) / adjustedN;
  const d = (counts.detractors + 0.75) / adjustedN;
  const se = 100 * Math.sqrt(Math.max(0, p + d - (p - d) ** 2) / adjustedN);
  const centred = symmetricEstimate(100 * (p - d), se, n, Z_95, NPS_BOUNDS);
  return { ...centred, value, ...counts };
}

/**
 * NPS answers grouped by customer: customers (the unit of randomisation), answers, and the sums
 * over customers of their answers' points s, their answer count m, s², m² and s·m. Additive.
 */
export interface NpsClusters {
  customers: number;
  answers: number;
  sumS: number;
  sumSS: number;
  sumMM: number;
  sumSM: number;
}

export const noClusters = (): NpsClusters => ({
  customers: 0,
  answers: 0,
  sumS: 0,
  sumSS: 0,
  sumMM: 0,
  sumSM: 0,
});

/** Adds one customer's answers (0–10 scores); a customer without answers adds nothing. */
export function addCustomerAnswers(clusters: NpsClusters, scores: readonly number[]): void {
  if (scores.length === 0) return;
  const s = scores.reduce((sum, score) => sum + npsPoints(score), 0);
  const m = scores.length;
  clusters.customers++;
  clusters.answers += m;
  clusters.sumS += s;
  clusters.sumSS += s * s;
  clusters.sumMM += m * m;
  clusters.sumSM += s * m;
}

/**
 * NPS over all answers with a cluster-robust standard error (customers as clusters): a customer
 * who answers ten times moves the figure by ten answers, but adds one customer's worth of
 * evidence. Var = G/(G − 1) · Σᵢ(sᵢ − R·mᵢ)² / (Σmᵢ)², R = Σs/Σm (the CR1 sandwich of an
 * intercept-only regression).
 */
export function clusteredNps(c: NpsClusters): { value: number; standardError: number } | null {
  if (c.customers === 0) return null;
  const r = c.sumS / c.answers;
  if (c.customers < 2) return { value: 100 * r, standardError: 0 };
  const residuals = Math.max(0, c.sumSS - 2 * r * c.sumSM + r * r * c.sumMM);
  const variance = (c.customers / (c.customers - 1)) * (residuals / c.answers ** 2);
  return { value: 100 * r, standardError: 100 * Math.sqrt(variance) };
}

function armEstimate(c: NpsClusters): Estimate {
  const found = clusteredNps(c);
  if (!found) return { value: null, low: null, high: null, n: 0 };
  if (c.customers < 2) return { value: found.value, low: null, high: null, n: c.customers };
  return symmetricEstimate(found.value, found.standardError, c.customers, Z_95, NPS_BOUNDS);
}

/**
 * Two arms' NPS compared at the unit of randomisation: the difference in points with
 * cluster-robust standard errors; n counts customers who answered, not answers.
 */
export function compareNps(
  pilot: NpsClusters,
  control: NpsClusters,
): ArmComparison & { answers: { pilot: number; control: number } } {
  const a = clusteredNps(pilot);
  const b = clusteredNps(control);
  const n = pilot.customers + control.customers;
  const answers = { pilot: pilot.answers, control: control.answers };
  const base = incomparable(armEstimate(pilot), armEstimate(control), n);
  if (!a || !b) return { ...base, answers };
  const difference = a.value - b.value;
  const se = Math.sqrt(a.standardError ** 2 + b.standardError ** 2);
  if (!(se > 0) || pilot.customers < 2 || control.customers < 2) {
    return { ...base, difference: { value: difference, low: null, high: null, n }, answers };
  }
  const z = difference / se;
  const pValue = twoSidedPValueFromZ(z);
  return {
    ...base,
    difference: symmetricEstimate(difference, se, n, Z_95, { min: -200, max: 200 }),
    pValue,
    sequentialPValue: sequentialPValue(z, n),
    significant: Math.abs(z) > sequentialZ(n),
    significantFixed: pValue < 0.05,
    answers,
  };
}
