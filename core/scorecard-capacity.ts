import type { Capacity, JudgingRule, ScorecardEvidence, Verdict } from './scorecard.ts';
import { ruleText, verdictOf } from './scorecard-explain.ts';
import { percent } from './scorecard-figures.ts';

// Capacity as scorecard evidence: the largest cohort the hours serve against the pilot arm, and
// the bookings of the next 14 days.

/** Demand at or under this share of the hours passes; over all of them fails. Bookings alike. */
const CAPACITY_RULES = {
  demand: { source: 'capacity', comparison: 'at_most', pass: 0.8, fail: 1 },
  bookings: { source: 'capacity', comparison: 'at_most', pass: 0.8, fail: 0.95 },
} as const satisfies Record<string, JudgingRule>;

export function capacityEvidence(capacity: Capacity, cohort: number): ScorecardEvidence[] {
  const plain = (
    label: string,
    metric: string,
    value: number | null,
    rule: JudgingRule | null,
    verdict: Verdict,
    why: string,
  ): ScorecardEvidence => ({
    label,
    metric,
    value,
    estimate: null,
    unit: null,
    objective: null,
    rule,
    verdict,
    why,
    timeToVerdict: null,
  });
  if (!capacity.staffed) {
    return [
      plain(
        'self-service channel: no advisor hours needed',
        'capacity',
        null,
        null,
        'pass',
        'Passes: nobody answers on a self-service channel, so no hours can run short.',
      ),
    ];
  }
  const evidence: ScorecardEvidence[] = [];
  const largest = capacity.largestCohort;
  if (largest === null) {
    evidence.push(
      plain(
        'no demand measured or forecast yet',
        'capacity.largestCohort',
        null,
        null,
        'unknown',
        'Not measured yet.',
      ),
    );
  } else {
    const share = largest > 0 ? cohort / largest : Number.POSITIVE_INFINITY;
    const verdict = verdictOf({ value: share, low: null, high: null, n: cohort }, CAPACITY_RULES.demand, {
      exact: true,
    });
    const count = (v: number | null) => (v ?? 0).toLocaleString('en-US');
    const limit = capacity.limitedByPopulation
      ? `every eligible customer (${count(largest)}; the hours alone would serve ${count(capacity.largestCohortByHours)})`
      : `a pilot arm of up to ${count(largest)} customers`;
    evidence.push(
      plain(
        `the advisors' hours serve ${limit} (now ${count(cohort)})`,
        'capacity.largestCohort',
        largest,
        CAPACITY_RULES.demand,
        verdict,
        `${verdict === 'pass' ? 'Passes' : verdict === 'fail' ? 'Fails' : 'A concern'}: the pilot arm is ${percent(share)} of the largest cohort served. Rule: ${ruleText(CAPACITY_RULES.demand, percent)}.`,
      ),
    );
  }
  const booked = capacity.bookedShareNext14Days;
  if (booked !== null) {
    const verdict = verdictOf({ value: booked, low: null, high: null, n: 0 }, CAPACITY_RULES.bookings, {
      exact: true,
    });
    evidence.push(
      plain(
        `bookings fill ${percent(booked)} of the next 14 days`,
        'capacity.bookedShareNext14Days',
        booked,
        CAPACITY_RULES.bookings,
        verdict,
        `${verdict === 'pass' ? 'Passes' : verdict === 'fail' ? 'Fails' : 'A concern'}: bookings fill ${percent(booked)} of the bookable time. Rule: ${ruleText(CAPACITY_RULES.bookings, percent)}.`,
      ),
    );
  }
  return evidence;
}
