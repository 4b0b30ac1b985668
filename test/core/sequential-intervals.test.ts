import { describe, expect, it } from 'vitest';
import {
  compareSummaries,
  sequentialPValue,
  sequentialRhoSquared,
  sequentialZ,
  summarize,
  type Moments,
} from '../../core/index.ts';
import { seededRandom } from '../support/simulate.ts';

// Always-valid intervals: the multiplier by its formula, and simulations of a pilot manager who
// reads the report every day and acts on the first significant difference, with no true effect.

describe('the confidence sequence', () => {
  it('is tuned to be tightest at 1,000 observations and widens the fixed-horizon 1.96', () => {
    // ρ² = (−2 ln 0.05 + ln(−2 ln 0.05 + 1)) / 1000, by hand: (5.99146 + 1.94470) / 1000.
    expect(sequentialRhoSquared()).toBeCloseTo(0.00793616, 7);
    // z(n) = √(2(nρ² + 1)/(nρ²) · ln(√(nρ² + 1)/0.05)), by hand: 3.0352 at 1,000, 3.8551 at 100.
    expect(sequentialZ(1000)).toBeCloseTo(3.0352, 4);
    expect(sequentialZ(100)).toBeCloseTo(3.8551, 4);
    for (const n of [20, 100, 1000, 10_000, 1_000_000]) expect(sequentialZ(n)).toBeGreaterThan(1.96);
    // Its p-value is below 0.05 exactly when |z| clears the multiplier.
    expect(sequentialPValue(sequentialZ(600), 600)).toBeCloseTo(0.05, 12);
    expect(sequentialPValue(0, 600)).toBe(1);
  });

  it('keeps the false-positive rate at or under 5% when customers arrive and the report is read daily, where the fixed-horizon test exceeds it', () => {
    // 500 pilots with no true effect; 25 customers join each arm each day for 30 days; each
    // customer's contacts are Poisson with a gamma-distributed rate (a few heavy users).
    const rng = seededRandom(17);
    const experiments = 500;
    let fixedHits = 0;
    let sequentialHits = 0;
    for (let e = 0; e < experiments; e++) {
      const arms: Moments[] = [
        { n: 0, sum: 0, sumOfSquares: 0 },
        { n: 0, sum: 0, sumOfSquares: 0 },
      ];
      let fixed = false;
      let sequential = false;
      for (let day = 0; day < 30; day++) {
        for (const arm of arms) {
          for (let k = 0; k < 25; k++) {
            const contacts = rng.poisson(rng.gamma(1.5, 1));
            arm.n++;
            arm.sum += contacts;
            arm.sumOfSquares += contacts * contacts;
          }
        }
        const look = compareSummaries(summarize(arms[0]!), summarize(arms[1]!));
        fixed ||= look.significantFixed;
        sequential ||= look.significant;
      }
      if (fixed) fixedHits++;
      if (sequential) sequentialHits++;
    }
    expect(fixedHits / experiments).toBeGreaterThan(0.15);
    expect(sequentialHits / experiments).toBeLessThanOrEqual(0.05);
  });

  it('keeps the false-positive rate at or under 5% for a cohort enrolled at the start whose contacts accumulate, read daily for eight weeks', () => {
    // The kit's own case: 200 drawn customers per arm, enrolled on day one; each day adds each
    // customer's contacts (Poisson, weekly rate gamma-distributed around 0.5).
    const rng = seededRandom(2026);
    const experiments = 250;
    const customers = 200;
    let fixedHits = 0;
    let sequentialHits = 0;
    for (let e = 0; e < experiments; e++) {
      const rates = [0, 1].map(() => Array.from({ length: customers }, () => rng.gamma(2, 0.25) / 7));
      const counts = [new Array<number>(customers).fill(0), new Array<number>(customers).fill(0)];
      let fixed = false;
      let sequential = false;
      for (let day = 0; day < 56; day++) {
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
        if (day < 6) continue; // the report shows its first comparison after a week
        const look = compareSummaries(summarize(moments[0]!), summarize(moments[1]!));
        fixed ||= look.significantFixed;
        sequential ||= look.significant;
      }
      if (fixed) fixedHits++;
      if (sequential) sequentialHits++;
    }
    expect(fixedHits / experiments).toBeGreaterThan(0.08);
    expect(sequentialHits / experiments).toBeLessThanOrEqual(0.05);
  });
});
