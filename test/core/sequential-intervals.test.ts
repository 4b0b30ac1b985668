import { describe, expect, it } from 'vitest';
import { sequentialPValue, sequentialRhoSquared, sequentialZ } from '../../core/evidence.ts';
import { cohortAccumulating, customersArriving } from '../support/peeking.ts';

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
    // 500 pilots with no true effect; 25 customers join each arm each day for 30 days.
    const result = customersArriving({ seed: 17, experiments: 500, days: 30, perDay: 25 });
    expect(result.fixed).toBeGreaterThan(0.15);
    expect(result.sequential).toBeLessThanOrEqual(0.05);
  });

  it('keeps the false-positive rate at or under 5% for a cohort enrolled at the start whose contacts accumulate, read daily for eight weeks', () => {
    const result = cohortAccumulating({ seed: 2026, experiments: 250, days: 56, customers: 200 });
    expect(result.fixed).toBeGreaterThan(0.08);
    expect(result.sequential).toBeLessThanOrEqual(0.05);
  });
});
