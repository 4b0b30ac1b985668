import { describe, expect, it } from 'vitest';
import {
  ASSUMED_TAKE_UP,
  assessCapacity,
  evaluateScorecard,
  judge,
  sequentialZ,
  type Capacity,
  type Estimate,
  type PilotMetrics,
  type PilotReportData,
} from '../../core/evidence.ts';

const est = (
  value: number | null,
  low: number | null = null,
  high: number | null = null,
  n = 100,
): Estimate => ({
  value,
  low,
  high,
  n,
});
/** A comparison whose relative change has an interval ±`spread` around it. */
const comparison = (pilot: number, control: number, p: number, spread = 0.04) => {
  const relative = (pilot - control) / control;
  return {
    pilot: est(pilot),
    control: est(control),
    difference: est(pilot - control, pilot - control - 0.1, pilot - control + 0.1),
    relative: est(relative, relative - spread, relative + spread),
    pValue: p,
    sequentialPValue: p,
    significant: p < 0.05,
    significantFixed: p < 0.05,
    varianceReduction: {
      preWeeks: 12,
      theta: 0.3,
      varianceCut: 0.2,
      unadjusted: est(pilot - control, pilot - control - 0.12, pilot - control + 0.12),
    },
  };
};
const npsComparison = (pilot: number, control: number, p: number) => ({
  ...comparison(pilot, control, p),
  difference: est(pilot - control, pilot - control - 5, pilot - control + 5),
  relative: null,
  answers: { pilot: 300, control: 280 },
});

/** A pilot that does well on every count. */
function goodMetrics(): PilotMetrics {
  return {
    liveChat: null,
    pilotId: 'p',
    channel: 'voice_assistant',
    period: { from: '2026-01-01', to: '2026-02-28' },
    withinDays: 7,
    cohort: { pilot: 500, control: 500, explicit: 0, invited: 500 },
    sampleRatio: {
      expectedPilotShare: 0.5,
      pilot: 500,
      control: 500,
      chiSquare: 0,
      pValue: 1,
      mismatch: false,
      bySegment: [],
    },
    adoption: est(0.35, 0.31, 0.39),
    adoptionBySegment: [],
    contacts: 900,
    containment: est(0.62, 0.58, 0.66),
    switching: est(0.12),
    switchedTo: [],
    firstContactResolution: est(0.58),
    taskCompletion: est(0.75),
    handoffs: { total: 100, withContext: 97, contextRate: est(0.97), continuedElsewhere: 60 },
    handleTime: { averageSeconds: 95, medianSeconds: 80, n: 900 },
    noShow: null,
    nps: { ...est(32, 25, 39), promoters: 50, passives: 30, detractors: 20 },
    csat: est(4.3),
    ces: est(2.1),
    versusControl: {
      existingContactsPerCustomer: comparison(1.8, 2.2, 0.001),
      callCentreContactsPerCustomer: comparison(0.9, 1.2, 0.002),
      complaintsPerCustomer: comparison(0.05, 0.052, 0.7, 0.3),
      nps: npsComparison(32, 18, 0.01),
      npsChannels: ['call_centre'],
      minimumDetectableEffect: { absolute: 0.2, relative: 0.09 },
    },
    weekly: [],
  };
}

const selfService: Capacity = assessCapacity({
  staffed: false,
  weeklyAdvisorHours: 0,
  advisorShare: 1,
  cohortSize: 500,
  eligiblePopulation: 5000,
  observed: { contacts: 900, weeks: 8, averageHandleSeconds: 95 },
  servedContactsPerCustomerWeek: 0.1,
  defaultContactHours: 0.5,
  next14Days: null,
});

const evidence = (metrics: PilotMetrics, capacity = selfService): Omit<PilotReportData, 'scorecard'> => ({
  metrics,
  capacity,
  relevance: { servedContacts: 400, allContacts: 1000, share: 0.4, topReasons: [] },
});

describe('judging a figure', () => {
  it('passes an objective only when the whole interval meets it, fails when the whole interval misses it', () => {
    const objective = { metric: 'containment', comparison: 'at_least', threshold: 0.6 } as const;
    expect(judge(est(0.7, 0.65, 0.75), 'containment', objective)).toBe('pass');
    expect(judge(est(0.62, 0.55, 0.69), 'containment', objective)).toBe('concern');
    expect(judge(est(0.5, 0.45, 0.55), 'containment', objective)).toBe('fail');
    expect(judge(est(null), 'containment', objective)).toBe('unknown');
  });

  it('uses the default thresholds without an objective, in the direction of the figure', () => {
    expect(judge(est(0.55), 'containment', undefined)).toBe('pass');
    expect(judge(est(0.4), 'containment', undefined)).toBe('concern');
    expect(judge(est(0.2), 'containment', undefined)).toBe('fail');
    // Fewer switches are better.
    expect(judge(est(0.1), 'switching', undefined)).toBe('pass');
    expect(judge(est(0.6), 'switching', undefined)).toBe('fail');
  });
});

describe('the scorecard', () => {
  it('recommends go when every criterion passes', () => {
    const card = evaluateScorecard({ objectives: [] }, evidence(goodMetrics()), []);
    expect(card.criteria.map((c) => [c.criterion, c.verdict])).toEqual([
      ['capacity', 'pass'],
      ['appropriate', 'pass'],
      ['relevant', 'pass'],
      ['significant', 'pass'],
      ['functional', 'pass'],
      ['connected', 'pass'],
    ]);
    expect(card.recommendation).toBe('go');
  });

  it('recommends stop when the channel does not work for customers, and says why', () => {
    const metrics = goodMetrics();
    metrics.taskCompletion = est(0.3);
    const card = evaluateScorecard({ objectives: [] }, evidence(metrics), []);
    expect(card.criteria.find((c) => c.criterion === 'functional')?.verdict).toBe('fail');
    expect(card.recommendation).toBe('stop');
    expect(card.reasons.join(' ')).toContain('task completion 30%');
  });

  it('recommends extend while evidence is missing or mixed', () => {
    const metrics = goodMetrics();
    metrics.versusControl.existingContactsPerCustomer = comparison(2.2, 2.2, 0.9);
    metrics.handoffs = {
      total: 0,
      withContext: 0,
      contextRate: est(null, null, null, 0),
      continuedElsewhere: 0,
    };
    const card = evaluateScorecard({ objectives: [] }, evidence(metrics), []);
    expect(card.criteria.find((c) => c.criterion === 'connected')?.verdict).toBe('unknown');
    expect(card.criteria.find((c) => c.criterion === 'significant')?.verdict).toBe('concern');
    expect(card.recommendation).toBe('extend');
  });

  it('judges significance on NPS against control, and the channel NPS as how well it works', () => {
    const metrics = goodMetrics();
    metrics.versusControl.nps = {
      ...npsComparison(32, 28, 0.6),
      difference: est(4, -12, 20),
    };
    const card = evaluateScorecard({ objectives: [] }, evidence(metrics), []);
    const significant = card.criteria.find((c) => c.criterion === 'significant');
    expect(significant?.evidence.map((e) => [e.metric, e.verdict])).toContainEqual([
      'npsVsControl',
      'concern',
    ]);
    expect(significant?.verdict).toBe('concern');
    expect(card.criteria.find((c) => c.criterion === 'functional')?.evidence.map((e) => e.metric)).toContain(
      'nps',
    );
  });

  it("holds figures against the pilot's own objectives", () => {
    const card = evaluateScorecard(
      { objectives: [{ metric: 'adoption', comparison: 'at_least', threshold: 0.5 }] },
      evidence(goodMetrics()),
      [],
    );
    const appropriate = card.criteria.find((c) => c.criterion === 'appropriate');
    expect(appropriate?.verdict).toBe('fail');
    expect(appropriate?.evidence[0]?.objective).toEqual({ comparison: 'at_least', threshold: 0.5 });
  });

  it("lets a manager's poor rating turn a pass into a concern but never hide a failure", () => {
    const rated = evaluateScorecard({ objectives: [] }, evidence(goodMetrics()), [
      {
        criterion: 'appropriate',
        rating: 2,
        note: 'seniors find the wake word awkward',
        ratedBy: null,
        ratedAt: new Date(),
      },
    ]);
    expect(rated.criteria.find((c) => c.criterion === 'appropriate')).toMatchObject({
      verdict: 'concern',
      rating: { rating: 2, note: 'seniors find the wake word awkward' },
    });
    expect(rated.recommendation).toBe('extend');
    expect(rated.reasons.join(' ')).toContain('seniors find the wake word awkward');
  });

  it('flags a cohort split that does not match its percentages', () => {
    const metrics = goodMetrics();
    metrics.sampleRatio = {
      expectedPilotShare: 0.5,
      pilot: 300,
      control: 100,
      chiSquare: 100,
      pValue: 1.5e-23,
      mismatch: true,
      bySegment: [],
    };
    const card = evaluateScorecard({ objectives: [] }, evidence(metrics), []);
    expect(card.criteria.find((c) => c.criterion === 'significant')?.verdict).toBe('concern');
  });
});

describe('capacity', () => {
  it("forecasts demand from the census until the pilot has its own rate, and finds the largest cohort the advisors' hours serve", () => {
    const capacity = assessCapacity({
      staffed: true,
      weeklyAdvisorHours: 80,
      advisorShare: 0.5,
      cohortSize: 1000,
      eligiblePopulation: 10_000,
      observed: { contacts: 3, weeks: 0.5, averageHandleSeconds: null },
      servedContactsPerCustomerWeek: 0.25,
      defaultContactHours: 0.5,
      next14Days: { bookedHours: 70, bookableHours: 80 },
    });
    // 40 h available; each customer brings 0.25 × 0.2 = 0.05 contacts of 0.5 h a week = 0.025 h.
    expect(capacity.basis).toBe('forecast');
    expect(capacity.contactsPerCustomerWeek).toBeCloseTo(0.25 * ASSUMED_TAKE_UP, 12);
    expect(capacity.availableHoursPerWeek).toBe(40);
    expect(capacity.demandHoursPerWeek).toBeCloseTo(25, 9);
    expect(capacity.largestCohort).toBe(1600);
    expect(capacity.bookedShareNext14Days).toBeCloseTo(0.875, 12);
    expect(capacity.warnings).toEqual(['bookings fill 88% of the bookable hours of the next 14 days']);
  });

  it("uses the pilot's observed rate and handle time once it has run a week, and warns when demand nears the hours", () => {
    const capacity = assessCapacity({
      staffed: true,
      weeklyAdvisorHours: 30,
      advisorShare: 1,
      cohortSize: 200,
      eligiblePopulation: 10_000,
      observed: { contacts: 120, weeks: 2, averageHandleSeconds: 1800 },
      servedContactsPerCustomerWeek: 0.25,
      defaultContactHours: 0.5,
      next14Days: { bookedHours: 10, bookableHours: 60 },
    });
    // 120 contacts / 200 customers / 2 weeks = 0.3 a week; 0.3 × 0.5 h × 200 = 30 h of 30.
    expect(capacity.basis).toBe('observed');
    expect(capacity.contactsPerCustomerWeek).toBeCloseTo(0.3, 12);
    expect(capacity.demandHoursPerWeek).toBeCloseTo(30, 9);
    expect(capacity.largestCohort).toBe(200);
    expect(capacity.warnings).toEqual(["the cohort's demand is 100% of the advisor hours available"]);
    const card = evaluateScorecard({ objectives: [] }, evidence(goodMetrics(), capacity), []);
    // A 500-customer pilot arm is more than 200 can be served.
    expect(card.criteria[0]).toMatchObject({ criterion: 'capacity', verdict: 'fail' });
    expect(card.recommendation).toBe('stop');
  });
});

describe('the scorecard explains itself', () => {
  it('shows every piece of evidence with its n, its interval, the rule with its thresholds and why', () => {
    const card = evaluateScorecard(
      { objectives: [{ metric: 'containment', comparison: 'at_least', threshold: 0.55 }] },
      evidence(goodMetrics()),
      [],
    );
    const all = card.criteria.filter((c) => c.criterion !== 'capacity').flatMap((c) => c.evidence);
    expect(all.length).toBeGreaterThan(8);
    for (const e of all) {
      expect(e.rule, e.metric).not.toBeNull();
      expect(e.why, e.metric).toMatch(/^(Passes|Fails|A concern|Not measured)/);
      expect(e.why, e.metric).toContain('Rule: pass at');
    }
    const containment = all.find((e) => e.metric === 'containment')!;
    expect(containment.rule).toEqual({ source: 'objective', comparison: 'at_least', pass: 0.55, fail: 0.55 });
    expect(containment.why).toBe(
      "Passes: its always-valid interval 58% to 66% (n = 100 contacts) lies wholly at or above 55%. Rule: pass at ≥ 55%, fail below it (the pilot's objective).",
    );
    // Without an objective, the default thresholds and their values.
    const fcr = all.find((e) => e.metric === 'firstContactResolution')!;
    expect(fcr.rule).toMatchObject({ source: 'default', pass: 0.5, fail: 0.3 });
    expect(fcr.why).toContain('pass at ≥ 50%, fail below 30% (the default thresholds)');
    expect(fcr.estimate?.n).toBe(100);
  });

  it('says why a difference significant at the fixed horizon is still a concern', () => {
    const metrics = goodMetrics();
    // The report's case: p 0.033 at the fixed horizon, always-valid interval −32% to +8%.
    metrics.versusControl.existingContactsPerCustomer = {
      ...comparison(1.9, 2.2, 0.2),
      relative: est(-0.12, -0.32, 0.08, 600),
      pValue: 0.033,
      significantFixed: true,
      significant: false,
    };
    const card = evaluateScorecard({ objectives: [] }, evidence(metrics), []);
    const existing = card.criteria
      .find((c) => c.criterion === 'significant')!
      .evidence.find((e) => e.metric === 'existingContactsChange')!;
    expect(existing.verdict).toBe('concern');
    expect(existing.why).toContain(
      'A fixed-horizon test alone would call the difference significant (p = 0.033)',
    );
    expect(existing.why).toContain('only the always-valid interval keeps the error rate at 5%');
  });

  it('estimates how many more weeks an open criterion needs, from its always-valid interval', () => {
    const metrics = goodMetrics();
    // 8.4 weeks in, containment 60% (45–75%) on 200 contacts: above the 50% pass threshold, not clear of it.
    metrics.containment = est(0.6, 0.45, 0.75, 200);
    const card = evaluateScorecard({ objectives: [] }, evidence(metrics), []);
    expect(card.recommendation).toBe('extend');
    const weeks = card.extendWeeks!;
    expect(weeks).toBeGreaterThan(0);
    expect(card.reasons.join(' ')).toContain(`extend the pilot by about ${weeks} week`);
    // At that many more weeks, with n growing and the standard error shrinking with time, the
    // interval clears 50%; a week earlier it does not.
    const soFar = 59 / 7;
    const se = 0.15 / sequentialZ(200);
    const halfAfter = (more: number) =>
      sequentialZ((200 * (soFar + more)) / soFar) * se * Math.sqrt(soFar / (soFar + more));
    expect(halfAfter(weeks)).toBeLessThanOrEqual(0.1);
    expect(halfAfter(weeks - 1)).toBeGreaterThan(0.1);
    const functional = card.criteria.find((c) => c.criterion === 'functional')!;
    expect(functional.timeToVerdict?.weeks).toBe(weeks);
  });

  it('says when a figure between its thresholds cannot reach a verdict at its current value', () => {
    const metrics = goodMetrics();
    metrics.containment = est(0.4, 0.3, 0.5, 200);
    const card = evaluateScorecard({ objectives: [] }, evidence(metrics), []);
    expect(card.extendWeeks).toBeNull();
    expect(card.reasons.join(' ')).toContain(
      'lies between the thresholds and stays a concern however long it runs',
    );
  });
});

describe('guardrails', () => {
  it('stop the pilot on their own when complaints rise against control, whatever the criteria say', () => {
    const metrics = goodMetrics();
    metrics.versusControl.complaintsPerCustomer = {
      ...comparison(0.08, 0.05, 0.001),
      relative: est(0.6, 0.15, 1.05, 1000),
    };
    const card = evaluateScorecard({ objectives: [] }, evidence(metrics), []);
    expect(card.criteria.every((c) => c.verdict === 'pass')).toBe(true);
    expect(card.guardrails.find((g) => g.metric === 'complaintsChange')?.verdict).toBe('fail');
    expect(card.recommendation).toBe('stop');
    expect(card.reasons[0]).toContain('guardrail breached: complaints per customer vs control');
  });

  it('hold while their intervals reach below the limit, and watch no-shows when there are consultations', () => {
    const metrics = goodMetrics();
    metrics.noShow = est(0.3, 0.27, 0.33, 400);
    const card = evaluateScorecard({ objectives: [] }, evidence(metrics), []);
    expect(card.guardrails.map((g) => [g.metric, g.verdict])).toEqual([
      ['complaintsChange', 'concern'],
      ['callCentreContactsChange', 'pass'],
      ['noShow', 'fail'],
    ]);
    expect(card.recommendation).toBe('stop');
  });
});

describe('the sample-ratio check per segment', () => {
  it('makes the comparison suspect when one segment is skewed though the whole split fits', () => {
    const metrics = goodMetrics();
    metrics.sampleRatio!.bySegment = [
      { segment: 'family', pilot: 250, control: 250, pValue: 1, mismatch: false },
      { segment: 'senior', pilot: 180, control: 70, pValue: 3e-12, mismatch: true },
    ];
    const card = evaluateScorecard({ objectives: [] }, evidence(metrics), []);
    const significant = card.criteria.find((c) => c.criterion === 'significant')!;
    expect(significant.verdict).toBe('concern');
    expect(significant.evidence.at(-1)?.label).toContain('within senior');
  });
});

describe('capacity against the eligible population', () => {
  it('never serves more customers than are eligible, and says when the population is the limit', () => {
    // 3,000 eligible customers; the hours alone would serve 48,000.
    const capacity = assessCapacity({
      staffed: true,
      weeklyAdvisorHours: 2000,
      advisorShare: 1,
      cohortSize: 120,
      eligiblePopulation: 3000,
      observed: { contacts: 200, weeks: 4, averageHandleSeconds: 360 },
      servedContactsPerCustomerWeek: 0.25,
      defaultContactHours: 0.5,
      next14Days: null,
    });
    expect(capacity.largestCohortByHours).toBeGreaterThan(40_000);
    expect(capacity.largestCohort).toBe(3000);
    expect(capacity.limitedByPopulation).toBe(true);
    const card = evaluateScorecard({ objectives: [] }, evidence(goodMetrics(), capacity), []);
    expect(card.criteria[0]?.evidence[0]?.label).toContain(
      'every eligible customer (3,000; the hours alone would serve',
    );
  });
});
