import { Z_95 } from './distributions.ts';
import type { ArmComparison, Estimate } from './pilot-metrics.ts';
import {
  compareSummaries,
  createMomentAccumulator,
  summarize,
  symmetricEstimate,
  type Bounds,
  type Moments,
} from './statistics.ts';

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

/** A customer's own NPS: 100 × the mean of their answers' points (null without answers). */
export function customerNps(scores: readonly number[]): number | null {
  if (scores.length === 0) return null;
  return (100 * scores.reduce((sum, score) => sum + npsPoints(score), 0)) / scores.length;
}

/** One arm's NPS answers at the unit of randomisation: each answering customer's own NPS, and the answers. */
export interface NpsByCustomer {
  customers: Moments;
  answers: number;
}

export function createNpsByCustomer() {
  const customers = createMomentAccumulator();
  let answers = 0;
  return {
    /** Adds one customer's answers (0–10 scores); a customer without answers adds nothing. */
    add(scores: readonly number[]) {
      const own = customerNps(scores);
      if (own === null) return;
      customers.add(own);
      answers += scores.length;
    },
    result: (): NpsByCustomer => ({ customers: customers.moments(), answers }),
  };
}

/**
 * Two arms' NPS compared at the unit of randomisation, the customer: each answering customer
 * counts once, with their own NPS (the mean of their answers), and the arms' means are compared
 * with Welch's test. A customer who answers ten times weighs as one customer, and their answers'
 * likeness to each other no longer passes for evidence. n counts customers who answered.
 */
export function compareNps(
  pilot: NpsByCustomer,
  control: NpsByCustomer,
): ArmComparison & { answers: { pilot: number; control: number } } {
  return {
    ...compareSummaries(summarize(pilot.customers), summarize(control.customers), NPS_BOUNDS),
    // NPS runs from −100 to 100: a change relative to it means nothing (−27 to −2 is not −93%).
    relative: null,
    answers: { pilot: pilot.answers, control: control.answers },
  };
}
