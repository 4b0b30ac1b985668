import { compareSummaries, summarize, type Moments } from '../../core/evidence.ts';
import { seededRandom } from './simulate.ts';

// Pilots with no true effect, read every day and stopped at the first "significant" difference:
// the share that ever looks significant, with the fixed-horizon test and with the always-valid
// intervals. Used by the tests and by bench/peeking.ts.

export interface PeekingResult {
  experiments: number;
  fixed: number;
  sequential: number;
}

function tally(experiments: number, run: () => { fixed: boolean; sequential: boolean }): PeekingResult {
  let fixed = 0;
  let sequential = 0;
  for (let e = 0; e < experiments; e++) {
    const seen = run();
    if (seen.fixed) fixed++;
    if (seen.sequential) sequential++;
  }
  return { experiments, fixed: fixed / experiments, sequential: sequential / experiments };
}

/**
 * Customers join each arm every day (`perDay`) for `days` days; each brings a number of contacts
 * (Poisson with a gamma-distributed rate: a few heavy users). Read after every day.
 */
export function customersArriving(options: {
  seed: number;
  experiments: number;
  days: number;
  perDay: number;
}) {
  const rng = seededRandom(options.seed);
  return tally(options.experiments, () => {
    const arms: Moments[] = [
      { n: 0, sum: 0, sumOfSquares: 0 },
      { n: 0, sum: 0, sumOfSquares: 0 },
    ];
    const seen = { fixed: false, sequential: false };
    for (let day = 0; day < options.days; day++) {
      for (const arm of arms) {
        for (let k = 0; k < options.perDay; k++) {
          const contacts = rng.poisson(rng.gamma(1.5, 1));
          arm.n++;
          arm.sum += contacts;
          arm.sumOfSquares += contacts * contacts;
        }
      }
      const look = compareSummaries(summarize(arms[0]!), summarize(arms[1]!));
      seen.fixed ||= look.significantFixed;
      seen.sequential ||= look.significant;
    }
    return seen;
  });
}

/**
 * The kit's own case: `customers` drawn into each arm on day one; every day adds each customer's
 * contacts (Poisson, weekly rate gamma-distributed around 0.5). Read daily from the end of the
 * first week for `days` days.
 */
export function cohortAccumulating(options: {
  seed: number;
  experiments: number;
  days: number;
  customers: number;
}) {
  const rng = seededRandom(options.seed);
  const { customers } = options;
  return tally(options.experiments, () => {
    const rates = [0, 1].map(() => Array.from({ length: customers }, () => rng.gamma(2, 0.25) / 7));
    const counts = [new Array<number>(customers).fill(0), new Array<number>(customers).fill(0)];
    const seen = { fixed: false, sequential: false };
    for (let day = 0; day < options.days; day++) {
      const moments = counts.map((arm, a) => {
        let sum = 0;
        let sumOfSquares = 0;
        for (let i = 0; i < customers; i++) {
          arm[i]! += rng.poisson(rates[a]![i]!);
          sum += arm[i]!;
          sumOfSquares += arm[i]! * arm[i]!;
        }
        return { n: customers, sum, sumOfSquares };
      });
      if (day < 6) continue;
      const look = compareSummaries(summarize(moments[0]!), summarize(moments[1]!));
      seen.fixed ||= look.significantFixed;
      seen.sequential ||= look.significant;
    }
    return seen;
  });
}
