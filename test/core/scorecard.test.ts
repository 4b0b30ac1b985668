import { describe, expect, it } from 'vitest';
import {
  ASSUMED_TAKE_UP,
  assessCapacity,
  evaluateScorecard,
  judge,
  sequentialZ,
  type Capacity,
  type Estimate,
  type Pilot,
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
    switching: est(0.12, 0.09, 0.15, 900),
    switchedTo: [],
    firstContactResolution: est(0.58, 0.53, 0.63, 900),
    taskCompletion: est(0.75, 0.71, 0.79, 900),
    handoffs: {
      total: 100,
      withContext: 97,
      contextRate: est(0.97, 0.9, 0.99, 100),
      continuedElsewhere: 60,
    },
    handleTime: { averageSeconds: 95, medianSeconds: 80, n: 900 },
    noShow: null,
    nps: { ...est(32, 25, 39), promoters: 50, passives: 30, detractors: 20 },
    csat: est(4.3, 4.1, 4.5, 300),
    ces: est(2.1, 1.9, 2.3, 300),
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

/** The pilot behind the figures: still running a month after the days measured, or ended on their last day. */
const running = (objectives: Pilot['objectives'] = []) => ({
  objectives,
  status: 'running' as const,
  startsOn: '2026-01-01',
  endsOn: '2026-03-31',
});
const ended = (objectives: Pilot['objectives'] = []) => ({
  objectives,
  status: 'ended' as const,
  startsOn: '2026-01-01',
  endsOn: '2026-02-28',
});

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
    expect(judge(est(0.55, 0.52, 0.58), 'containment', undefined)).toBe('pass');
    expect(judge(est(0.4, 0.35, 0.45), 'containment', undefined)).toBe('concern');
    expect(judge(est(0.2, 0.17, 0.23), 'containment', undefined)).toBe('fail');
    // Fewer switches are better.
    expect(judge(est(0.1, 0.08, 0.12), 'switching', undefined)).toBe('pass');
    expect(judge(est(0.6, 0.55, 0.65), 'switching', undefined)).toBe('fail');
  });
});

describe('the scorecard', () => {
  it('recommends go when every criterion passes', () => {
    const card = evaluateScorecard(running(), evidence(goodMetrics()), []);
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
    metrics.taskCompletion = est(0.3, 0.26, 0.34, 900);
    const card = evaluateScorecard(running(), evidence(metrics), []);
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
    const card = evaluateScorecard(running(), evidence(metrics), []);
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
    const card = evaluateScorecard(running(), evidence(metrics), []);
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
      ended([{ metric: 'adoption', comparison: 'at_least', threshold: 0.5 }]),
      evidence(goodMetrics()),
      [],
    );
    const appropriate = card.criteria.find((c) => c.criterion === 'appropriate');
    expect(appropriate?.verdict).toBe('fail');
    expect(appropriate?.evidence[0]?.objective).toEqual({ comparison: 'at_least', threshold: 0.5 });
  });

  it("lets a manager's poor rating turn a pass into a concern but never hide a failure", () => {
    const rated = evaluateScorecard(running(), evidence(goodMetrics()), [
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
    const card = evaluateScorecard(running(), evidence(metrics), []);
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
    const card = evaluateScorecard(running(), evidence(goodMetrics(), capacity), []);
    // A 500-customer pilot arm is more than 200 can be served.
    expect(card.criteria[0]).toMatchObject({ criterion: 'capacity', verdict: 'fail' });
    expect(card.recommendation).toBe('stop');
  });
});

describe('the scorecard explains itself', () => {
  it('shows every piece of evidence with its n, its interval, the rule with its thresholds and why', () => {
    const card = evaluateScorecard(
      running([{ metric: 'containment', comparison: 'at_least', threshold: 0.55 }]),
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
    expect(fcr.estimate?.n).toBe(900);
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
    const card = evaluateScorecard(running(), evidence(metrics), []);
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
    const card = evaluateScorecard(running(), evidence(metrics), []);
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
    const card = evaluateScorecard(running(), evidence(metrics), []);
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
    const card = evaluateScorecard(running(), evidence(metrics), []);
    expect(card.criteria.every((c) => c.verdict === 'pass')).toBe(true);
    expect(card.guardrails.find((g) => g.metric === 'complaintsChange')?.verdict).toBe('fail');
    expect(card.recommendation).toBe('stop');
    expect(card.reasons[0]).toContain('guardrail breached: complaints per customer vs control');
  });

  it('hold while their intervals reach below the limit, and watch no-shows when there are consultations', () => {
    const metrics = goodMetrics();
    metrics.noShow = est(0.3, 0.27, 0.33, 400);
    const card = evaluateScorecard(running(), evidence(metrics), []);
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
    const card = evaluateScorecard(running(), evidence(metrics), []);
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
    const card = evaluateScorecard(running(), evidence(goodMetrics(), capacity), []);
    expect(card.criteria[0]?.evidence[0]?.label).toContain(
      'every eligible customer (3,000; the hours alone would serve',
    );
  });
});

describe('verdicts only with evidence', () => {
  // A web pilot started on 7 December, read minutes later: 247 customers in the pilot arm, 227 in
  // control; one contact so far, whose customer answered the survey with a 3 (a detractor); one
  // control customer has called the call centre once.
  const today = '2026-12-07';
  const started = running();
  started.endsOn = '2027-03-07';
  const none = (n: number) => est(null, null, null, n);
  const dayZeroCalls = {
    pilot: est(0, 0, 0.0121, 247),
    control: est(1 / 227, 0, 0.0189, 227),
    difference: est(-1 / 227, -0.0189, 0.0102, 474),
    relative: est(-1, null, null, 474),
    pValue: 0.32,
    sequentialPValue: 1,
    significant: false,
    significantFixed: false,
    varianceReduction: {
      preWeeks: 12,
      theta: 0.02,
      varianceCut: 0.01,
      unadjusted: est(-1 / 227, -0.019, 0.01, 474),
    },
  };
  function minutesOld(): PilotMetrics {
    const metrics = goodMetrics();
    return {
      ...metrics,
      channel: 'web',
      period: { from: today, to: today },
      cohort: { pilot: 247, control: 227, explicit: 0, invited: 247 },
      sampleRatio: { ...metrics.sampleRatio!, pilot: 247, control: 227 },
      adoption: est(1 / 247, 0, 0.0404, 247),
      contacts: 1,
      containment: est(0, null, null, 1),
      switching: est(0, null, null, 1),
      firstContactResolution: est(0, null, null, 1),
      taskCompletion: est(0, null, null, 1),
      handoffs: { total: 0, withContext: 0, contextRate: none(0), continuedElsewhere: 0 },
      handleTime: { averageSeconds: 240, medianSeconds: 240, n: 1 },
      nps: { ...est(-100, null, null, 1), promoters: 0, passives: 0, detractors: 1 },
      csat: none(0),
      ces: none(0),
      versusControl: {
        existingContactsPerCustomer: dayZeroCalls,
        callCentreContactsPerCustomer: dayZeroCalls,
        complaintsPerCustomer: {
          ...dayZeroCalls,
          control: est(0, null, null, 227),
          difference: est(0, null, null, 474),
          relative: null,
        },
        nps: {
          ...npsComparison(-100, 100, 1),
          difference: est(-200, null, null, 2),
          relative: null,
          pValue: null,
          sequentialPValue: null,
          significant: false,
          significantFixed: false,
        },
        npsChannels: ['call_centre'],
        minimumDetectableEffect: { absolute: 0.03, relative: 6.8 },
      },
      weekly: [],
    };
  }
  const evidenceOf = (card: ReturnType<typeof evaluateScorecard>, metric: string) =>
    card.criteria.flatMap((c) => c.evidence).find((e) => e.metric === metric)!;

  it('gives a pilot minutes old with one detractor concerns, not failures, and recommends extend', () => {
    const card = evaluateScorecard(
      {
        ...started,
        objectives: [{ metric: 'callCentreContactsChange', comparison: 'at_most', threshold: -0.05 }],
      },
      evidence(minutesOld()),
      [],
    );
    const nps = evidenceOf(card, 'nps');
    expect(nps.verdict).toBe('concern');
    expect(nps.why).toBe(
      'A concern, not a verdict: its value -100 (n = 1 answers) has no interval yet, so it can neither pass nor fail: too few answers to tell where the true figure lies. Rule: pass at ≥ 20, fail below 0 (the default thresholds).',
    );
    const versus = evidenceOf(card, 'npsVsControl');
    expect(versus.verdict).toBe('concern');
    expect(versus.why).toContain('its value -200 points (n = 2 customers who answered) has no interval yet');
    expect(card.criteria.map((c) => [c.criterion, c.verdict])).toEqual([
      ['capacity', 'pass'],
      ['appropriate', 'concern'],
      ['relevant', 'pass'],
      ['significant', 'concern'],
      ['functional', 'concern'],
      ['connected', 'unknown'],
    ]);
    expect(card.recommendation).toBe('extend');
    expect(card.reasons.join(' ')).not.toMatch(/is a fail/);
    expect(card.guardrails.every((g) => g.verdict !== 'fail')).toBe(true);
  });

  it('gives no relative change against a control mean near 0 (1 contact in 227 customers) a verdict', () => {
    const card = evaluateScorecard(
      {
        ...started,
        objectives: [{ metric: 'callCentreContactsChange', comparison: 'at_most', threshold: -0.05 }],
      },
      evidence(minutesOld()),
      [],
    );
    const calls = evidenceOf(card, 'callCentreContactsChange');
    expect(calls.verdict).toBe('concern');
    expect(calls.label).toBe('call-centre contacts per customer vs control -100%');
    expect(calls.why).toBe(
      "A concern, not a verdict: its value -100% (n = 474 drawn customers) has no interval yet, so it can neither pass nor fail: the control arm's own mean is not yet distinguishable from 0, so a change relative to it could be of any size; the difference itself is -0.0044 per customer (-0.019 to +0.01), which holds 0. Rule: pass at ≤ -5%, fail above it (the pilot's objective).",
    );
    // The guardrail reads the difference, which holds 0: no breach.
    const guardrail = card.guardrails.find((g) => g.metric === 'callCentreContactsChange')!;
    expect(guardrail.verdict).toBe('concern');
    expect(guardrail.why).toContain('Judged on the difference');
  });

  it('judges adoption 0 on day 0 against a 5% objective as a concern until the pilot ends', () => {
    const metrics = minutesOld();
    metrics.adoption = est(0, 0, 0.04, 247);
    const objective = [{ metric: 'adoption', comparison: 'at_least', threshold: 0.05 }] as const;
    const card = evaluateScorecard({ ...started, objectives: [...objective] }, evidence(metrics), []);
    const adoption = evidenceOf(card, 'adoption');
    expect(adoption.verdict).toBe('concern');
    expect(adoption.why).toBe(
      "A concern, not a verdict yet: its always-valid interval 0% to 4% (n = 247 pilot-arm customers) lies wholly below 5%, but the figure only grows while the pilot runs, so it can fail only once the pilot has ended (2027-03-07). Rule: pass at ≥ 5%, fail below it (the pilot's objective).",
    );
    // 90 days from 7 December to 7 March: it can reach its verdict in 13 weeks at the latest.
    expect(adoption.timeToVerdict).toEqual({
      weeks: 13,
      note: 'it can fail only once the pilot has ended (2027-03-07), unless it clears 5% before',
    });
    expect(card.criteria.find((c) => c.criterion === 'appropriate')?.verdict).toBe('concern');
  });
});

describe('the same figures once there is evidence', () => {
  it('fails the channel NPS and NPS against control when their whole intervals miss, and stops the pilot', () => {
    const metrics = goodMetrics();
    metrics.nps = { ...est(-40, -55, -25, 180), promoters: 20, passives: 68, detractors: 92 };
    metrics.versusControl.nps = { ...npsComparison(-12, 6, 0.001), difference: est(-18, -29, -7, 640) };
    const card = evaluateScorecard(running(), evidence(metrics), []);
    const all = card.criteria.flatMap((c) => c.evidence);
    expect(all.find((e) => e.metric === 'nps')).toMatchObject({
      verdict: 'fail',
      why: 'Fails: its always-valid interval -55 to -25 (n = 180 answers) lies wholly below 0. Rule: pass at ≥ 20, fail below 0 (the default thresholds).',
    });
    expect(all.find((e) => e.metric === 'npsVsControl')?.verdict).toBe('fail');
    expect(card.recommendation).toBe('stop');
    expect(card.reasons).toContain('functional is a fail: NPS of the channel -40 (-55 to -25).');
  });

  it('passes a fall in call-centre contacts whose whole interval is below the objective', () => {
    const metrics = goodMetrics();
    metrics.versusControl.callCentreContactsPerCustomer = {
      ...comparison(0.41, 0.52, 0.0004),
      relative: est(-0.21, -0.33, -0.08, 1000),
    };
    const card = evaluateScorecard(
      running([{ metric: 'callCentreContactsChange', comparison: 'at_most', threshold: -0.05 }]),
      evidence(metrics),
      [],
    );
    const calls = card.criteria
      .flatMap((c) => c.evidence)
      .find((e) => e.metric === 'callCentreContactsChange')!;
    expect(calls.verdict).toBe('pass');
    expect(calls.why).toBe(
      "Passes: its always-valid interval -33% to -8% (n = 1,000 drawn customers) lies wholly at or below -5%. Rule: pass at ≤ -5%, fail above it (the pilot's objective).",
    );
  });

  it('fails adoption below its objective once the pilot has ended, and passes it while the pilot runs', () => {
    const low = goodMetrics();
    low.adoption = est(0.02, 0.01, 0.04, 1200);
    const objective = [{ metric: 'adoption', comparison: 'at_least', threshold: 0.05 }] as const;
    const over = evaluateScorecard(ended([...objective]), evidence(low), []);
    const adoption = over.criteria.find((c) => c.criterion === 'appropriate')!;
    expect(adoption.verdict).toBe('fail');
    expect(adoption.evidence[0]?.why).toBe(
      "Fails: its always-valid interval 1% to 4% (n = 1,200 pilot-arm customers) lies wholly below 5%. Rule: pass at ≥ 5%, fail below it (the pilot's objective).",
    );
    // On the pilot's last day its adoption is final too.
    const lastDay = evaluateScorecard(
      { ...running([...objective]), endsOn: '2026-02-28' },
      evidence(low),
      [],
    );
    expect(lastDay.criteria.find((c) => c.criterion === 'appropriate')?.verdict).toBe('fail');
    const high = goodMetrics();
    high.adoption = est(0.31, 0.27, 0.35, 1200);
    const early = evaluateScorecard(running([...objective]), evidence(high), []);
    expect(early.criteria.find((c) => c.criterion === 'appropriate')?.verdict).toBe('pass');
  });

  it('breaches the complaints guardrail on the difference when control has almost no complaints', () => {
    // 14 complaints in 247 pilot-arm customers, 1 in 227 control customers: the relative change
    // has no interval, the difference +0.052 (+0.002 to +0.102) lies wholly above 0.
    const metrics = goodMetrics();
    metrics.versusControl.complaintsPerCustomer = {
      ...comparison(14 / 247, 1 / 227, 0.001),
      difference: est(0.052, 0.002, 0.102, 474),
      relative: est(11.9, null, null, 474),
      significant: true,
    };
    const card = evaluateScorecard(running(), evidence(metrics), []);
    const complaints = card.guardrails.find((g) => g.metric === 'complaintsChange')!;
    expect(complaints.verdict).toBe('fail');
    expect(complaints.label).toBe(
      'complaints per customer vs control (difference per customer) +0.052 (+0.002 to +0.1)',
    );
    expect(card.recommendation).toBe('stop');
  });
});
