import type { ArmComparison } from './pilot-metrics.ts';
import { compareSummaries, summarize, type Bounds, type SampleSummary } from './statistics.ts';

// CUPED (Deng, Xu, Kohavi and Walker, 2013): each customer's figure during the pilot (y) is
// adjusted by the same figure before it (x), which the pilot cannot have moved:
// ȳ* = ȳ − θ·(x̄ − x̄ of both arms). θ is pooled across the arms (the common slope of y on x
// within them), so the adjusted difference is the one an ANCOVA gives, with the same expectation
// as the plain difference and a variance smaller by about ρ² (the correlation of x and y squared).

/** Per customer: x before the pilot, y during it. Additive, so chunks of a cohort add up. */
export interface CovariateMoments {
  n: number;
  sumX: number;
  sumY: number;
  sumXX: number;
  sumYY: number;
  sumXY: number;
}

export function createCovariateAccumulator() {
  const m: CovariateMoments = { n: 0, sumX: 0, sumY: 0, sumXX: 0, sumYY: 0, sumXY: 0 };
  return {
    add(x: number, y: number) {
      m.n++;
      m.sumX += x;
      m.sumY += y;
      m.sumXX += x * x;
      m.sumYY += y * y;
      m.sumXY += x * y;
    },
    moments: (): CovariateMoments => ({ ...m }),
  };
}

/** The moments of y alone. */
export const outcomeMoments = (m: CovariateMoments) => ({ n: m.n, sum: m.sumY, sumOfSquares: m.sumYY });

/** Sums of squares and products about the arm's own means. */
function centred(m: CovariateMoments) {
  if (m.n === 0) return { xx: 0, yy: 0, xy: 0 };
  return {
    xx: m.sumXX - (m.sumX * m.sumX) / m.n,
    yy: m.sumYY - (m.sumY * m.sumY) / m.n,
    xy: m.sumXY - (m.sumX * m.sumY) / m.n,
  };
}

/** θ pooled across the arms; 0 when x does not vary (nobody had contacts before the pilot). */
export function pooledTheta(arms: readonly CovariateMoments[]): number {
  let xx = 0;
  let xy = 0;
  for (const arm of arms) {
    const c = centred(arm);
    xx += c.xx;
    xy += c.xy;
  }
  return xx > 1e-12 ? xy / xx : 0;
}

/** An arm's mean and variance of y − θ·(x − x̄), x̄ over both arms. */
export function adjustedSummary(
  arm: CovariateMoments,
  theta: number,
  grandMeanX: number,
): SampleSummary | null {
  if (arm.n === 0) return null;
  const c = centred(arm);
  const mean = arm.sumY / arm.n - theta * (arm.sumX / arm.n - grandMeanX);
  const variance =
    arm.n < 2 ? 0 : Math.max(0, (c.yy - 2 * theta * c.xy + theta * theta * c.xx) / (arm.n - 1));
  return { n: arm.n, mean, variance };
}

export interface VarianceReduction {
  /** Weeks before the pilot's start the covariate was measured over. */
  preWeeks: number;
  theta: number;
  /** Share by which the adjustment cut the variance of the difference (0 when it did not help). */
  varianceCut: number;
  /** The difference without the adjustment, for comparison. */
  unadjusted: ArmComparison['difference'];
}

/** Both arms adjusted with the pooled θ and the mean of x over both arms. */
export function adjustArms(pilot: CovariateMoments, control: CovariateMoments) {
  const theta = pooledTheta([pilot, control]);
  const n = pilot.n + control.n;
  const grandMeanX = n === 0 ? 0 : (pilot.sumX + control.sumX) / n;
  return {
    theta,
    pilot: adjustedSummary(pilot, theta, grandMeanX),
    control: adjustedSummary(control, theta, grandMeanX),
  };
}

/**
 * The arms compared on CUPED-adjusted means (see compareSummaries for the intervals); `bounds`:
 * where an arm's figure can lie (COUNT_BOUNDS for contacts per customer).
 */
export function compareAdjusted(
  pilot: CovariateMoments,
  control: CovariateMoments,
  preWeeks: number,
  bounds?: Bounds,
): ArmComparison & { varianceReduction: VarianceReduction } {
  const adjusted = adjustArms(pilot, control);
  const plainArms = [summarize(outcomeMoments(pilot)), summarize(outcomeMoments(control))] as const;
  const plain = compareSummaries(...plainArms);
  const before = varianceOfDifference(plainArms);
  const after = varianceOfDifference([adjusted.pilot, adjusted.control]);
  const varianceCut = before && after !== null ? Math.max(0, 1 - after / before) : 0;
  return {
    ...compareSummaries(adjusted.pilot, adjusted.control, bounds),
    varianceReduction: { preWeeks, theta: adjusted.theta, varianceCut, unadjusted: plain.difference },
  };
}

function varianceOfDifference(arms: readonly [SampleSummary | null, SampleSummary | null]): number | null {
  const [a, b] = arms;
  return a && b ? a.variance / a.n + b.variance / b.n : null;
}
