import type { ArmComparison, Estimate } from './pilot-metrics.ts';
import type { Objective, ObjectiveMetric, Pilot, PilotRating } from './pilots.ts';
import {
  criteria,
  criterionQuestions,
  type Capacity,
  type Criterion,
  type CriterionAssessment,
  type JudgingRule,
  type PilotReportData,
  type Recommendation,
  type Scorecard,
  type ScorecardEvidence,
  type TimeToVerdict,
  type Verdict,
} from './scorecard.ts';
import { explain, ruleText, timeToVerdict, verdictOf } from './scorecard-explain.ts';

/**
 * Where a figure passes and where it fails when the pilot set no objective for it; between the
 * two it is a concern. Shares 0–1, NPS −100…100, CSAT 1–5, CES 1–7, relative changes as shares.
 */
export const defaultThresholds: Record<
  ObjectiveMetric | 'relevance',
  { comparison: Objective['comparison']; pass: number; fail: number }
> = {
  adoption: { comparison: 'at_least', pass: 0.2, fail: 0.05 },
  relevance: { comparison: 'at_least', pass: 0.3, fail: 0.1 },
  containment: { comparison: 'at_least', pass: 0.5, fail: 0.3 },
  switching: { comparison: 'at_most', pass: 0.25, fail: 0.5 },
  firstContactResolution: { comparison: 'at_least', pass: 0.5, fail: 0.3 },
  taskCompletion: { comparison: 'at_least', pass: 0.6, fail: 0.4 },
  handoffContextRate: { comparison: 'at_least', pass: 0.9, fail: 0.6 },
  noShow: { comparison: 'at_most', pass: 0.1, fail: 0.25 },
  nps: { comparison: 'at_least', pass: 20, fail: 0 },
  csat: { comparison: 'at_least', pass: 4, fail: 3 },
  ces: { comparison: 'at_most', pass: 3, fail: 5 },
  existingContactsChange: { comparison: 'at_most', pass: -0.05, fail: 0.05 },
  callCentreContactsChange: { comparison: 'at_most', pass: -0.05, fail: 0.05 },
  // Points of NPS the pilot arm is above control (answers on any channel).
  npsVsControl: { comparison: 'at_least', pass: 0, fail: 0 },
};

/**
 * Figures that must not get worse, each with its limit: breached (fail) when the whole always-valid
 * interval lies beyond it, which stops the pilot on its own. Changes against control as shares.
 */
export const guardrailLimits = {
  complaintsChange: { comparison: 'at_most', pass: 0, fail: 0 },
  callCentreContactsChange: { comparison: 'at_most', pass: 0, fail: 0 },
  noShow: { comparison: 'at_most', pass: 0.25, fail: 0.25 },
} as const satisfies Record<string, { comparison: Objective['comparison']; pass: number; fail: number }>;
type Guardrail = keyof typeof guardrailLimits;

type Figure = ObjectiveMetric | 'relevance' | 'complaintsChange';

/** The criterion each figure is evidence for. */
const evidenceOf: Record<Exclude<Criterion, 'capacity'>, (ObjectiveMetric | 'relevance')[]> = {
  appropriate: ['adoption'],
  relevant: ['relevance'],
  significant: ['existingContactsChange', 'callCentreContactsChange', 'npsVsControl'],
  functional: [
    'taskCompletion',
    'nps',
    'containment',
    'firstContactResolution',
    'switching',
    'csat',
    'ces',
    'noShow',
  ],
  connected: ['handoffContextRate'],
};

const percent = (v: number) => `${(v * 100).toFixed(0)}%`;
function signedPercent(v: number): string {
  return `${v > 0 ? '+' : ''}${(v * 100).toFixed(0)}%`;
}

/** What each figure is called, how it reads, what its n counts and whether n grows with time. */
const labels: Record<Figure, { name: string; format: (v: number) => string; unit: string; grows: boolean }> =
  {
    adoption: { name: 'adoption', format: percent, unit: 'pilot-arm customers', grows: false },
    relevance: {
      name: "share of the census's contacts whose reason the channel serves",
      format: percent,
      unit: 'contacts in the census',
      grows: false,
    },
    containment: { name: 'containment', format: percent, unit: 'contacts', grows: true },
    switching: { name: 'switching to another channel', format: percent, unit: 'contacts', grows: true },
    firstContactResolution: {
      name: 'first-contact resolution',
      format: percent,
      unit: 'contacts',
      grows: true,
    },
    taskCompletion: { name: 'task completion', format: percent, unit: 'contacts', grows: true },
    handoffContextRate: {
      name: 'handoffs that carried the context',
      format: percent,
      unit: 'hand-offs',
      grows: true,
    },
    noShow: { name: 'no-show rate', format: percent, unit: 'due consultations', grows: true },
    nps: { name: 'NPS of the channel', format: (v) => v.toFixed(0), unit: 'answers', grows: true },
    csat: { name: 'CSAT', format: (v) => v.toFixed(2), unit: 'answers', grows: true },
    ces: { name: 'CES', format: (v) => v.toFixed(2), unit: 'answers', grows: true },
    existingContactsChange: {
      name: 'existing-channel contacts per customer vs control',
      format: signedPercent,
      unit: 'drawn customers',
      grows: false,
    },
    callCentreContactsChange: {
      name: 'call-centre contacts per customer vs control',
      format: signedPercent,
      unit: 'drawn customers',
      grows: false,
    },
    complaintsChange: {
      name: 'complaints per customer vs control',
      format: signedPercent,
      unit: 'drawn customers',
      grows: false,
    },
    npsVsControl: {
      name: 'NPS vs control',
      format: (v) => `${v > 0 ? '+' : ''}${v.toFixed(0)} points`,
      unit: 'customers who answered',
      grows: true,
    },
  };

type Evidence = Omit<PilotReportData, 'scorecard'>;
const none = (n: number): Estimate => ({ value: null, low: null, high: null, n });

/** The figure a rule names, with its intervals. */
function figure(metric: Figure, data: Evidence): Estimate {
  const m = data.metrics;
  const v = m.versusControl;
  switch (metric) {
    case 'relevance':
      return { value: data.relevance.share, low: null, high: null, n: data.relevance.allContacts };
    case 'handoffContextRate':
      return m.handoffs.contextRate;
    case 'noShow':
      return m.noShow ?? none(0);
    case 'existingContactsChange':
      return v.existingContactsPerCustomer.relative ?? none(v.existingContactsPerCustomer.difference.n);
    case 'callCentreContactsChange':
      return v.callCentreContactsPerCustomer.relative ?? none(v.callCentreContactsPerCustomer.difference.n);
    case 'complaintsChange':
      return v.complaintsPerCustomer.relative ?? none(v.complaintsPerCustomer.difference.n);
    case 'npsVsControl':
      return v.nps.difference;
    default:
      return m[metric];
  }
}

/** The comparison behind a figure against control, if it is one. */
function comparisonOf(metric: Figure, data: Evidence): ArmComparison | null {
  const v = data.metrics.versusControl;
  if (metric === 'existingContactsChange') return v.existingContactsPerCustomer;
  if (metric === 'callCentreContactsChange') return v.callCentreContactsPerCustomer;
  if (metric === 'complaintsChange') return v.complaintsPerCustomer;
  if (metric === 'npsVsControl') return v.nps;
  return null;
}

function ruleFor(metric: ObjectiveMetric | 'relevance', objective: Objective | undefined): JudgingRule {
  return objective
    ? {
        source: 'objective',
        comparison: objective.comparison,
        pass: objective.threshold,
        fail: objective.threshold,
      }
    : { source: 'default', ...defaultThresholds[metric] };
}

/**
 * Pass when the whole always-valid interval meets the objective (or, without one, the default
 * pass threshold); fail when the whole interval misses it (the default fail threshold); a concern
 * in between. A figure without an interval is judged on its value.
 */
export function judge(
  estimate: Estimate,
  metric: ObjectiveMetric | 'relevance',
  objective: Objective | undefined,
): Verdict {
  return verdictOf(estimate, ruleFor(metric, objective));
}

function describe(metric: Figure, estimate: Estimate): string {
  const { name, format } = labels[metric];
  if (estimate.value === null) return `${name}: not measured yet`;
  const interval =
    estimate.low !== null && estimate.high !== null
      ? ` (${format(estimate.low)} to ${format(estimate.high)})`
      : '';
  return `${name} ${format(estimate.value)}${interval}`;
}

/** A figure judged on a rule, with the words that say why and, when open, how long it needs. */
function judged(metric: Figure, rule: JudgingRule, data: Evidence, weeksSoFar: number): ScorecardEvidence {
  const estimate = figure(metric, data);
  const { format, unit, grows } = labels[metric];
  const verdict = verdictOf(estimate, rule);
  let why = `${explain(estimate, rule, verdict, format, unit)} Rule: ${ruleText(rule, format)}.`;
  if (metric === 'relevance') why += ' A census of every contact, not a sample: judged on its value.';
  const comparison = comparisonOf(metric, data);
  if (comparison && verdict === 'concern') {
    if (comparison.significant) {
      why +=
        ' The difference from control is significant (its interval excludes 0), but not by enough to clear the thresholds.';
    } else if (comparison.significantFixed && comparison.pValue !== null) {
      why += ` A fixed-horizon test alone would call the difference significant (p = ${comparison.pValue.toFixed(3)}), but that holds for one planned look only; read every day, only the always-valid interval keeps the error rate at 5%.`;
    }
  }
  return {
    label: describe(metric, estimate),
    metric,
    value: estimate.value,
    estimate: metric === 'relevance' ? null : estimate,
    unit,
    objective: rule.source === 'objective' ? { comparison: rule.comparison, threshold: rule.pass } : null,
    rule,
    verdict,
    why,
    timeToVerdict:
      verdict === 'concern' || verdict === 'unknown'
        ? metric === 'relevance'
          ? { weeks: null, note: 'a census figure: it does not change as the pilot runs' }
          : timeToVerdict(estimate, rule, weeksSoFar, grows, format)
        : null,
  };
}

/** Surveys a channel does not ask are no gap in its evidence, unless the pilot set an objective on them. */
const optionalEvidence = new Set<ObjectiveMetric | 'relevance'>(['csat', 'ces']);

/** Demand at or under this share of the hours passes; over all of them fails. Bookings alike. */
const CAPACITY_RULES = {
  demand: { source: 'capacity', comparison: 'at_most', pass: 0.8, fail: 1 },
  bookings: { source: 'capacity', comparison: 'at_most', pass: 0.8, fail: 0.95 },
} as const satisfies Record<string, JudgingRule>;

function capacityEvidence(capacity: Capacity, cohort: number): ScorecardEvidence[] {
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
    const verdict = verdictOf({ value: share, low: null, high: null, n: cohort }, CAPACITY_RULES.demand);
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
    const verdict = verdictOf({ value: booked, low: null, high: null, n: 0 }, CAPACITY_RULES.bookings);
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

function combine(verdicts: Verdict[]): Verdict {
  if (verdicts.length === 0 || verdicts.every((v) => v === 'unknown')) return 'unknown';
  if (verdicts.includes('fail')) return 'fail';
  if (verdicts.includes('concern') || verdicts.includes('unknown')) return 'concern';
  return 'pass';
}

/** The longest time the open evidence needs; unknown as soon as one of them cannot say. */
function longest(evidence: readonly ScorecardEvidence[]): TimeToVerdict | null {
  const open = evidence.filter((e) => e.timeToVerdict);
  if (open.length === 0) return null;
  const unsure = open.find((e) => e.timeToVerdict!.weeks === null);
  if (unsure) return { weeks: null, note: `${unsure.label}: ${unsure.timeToVerdict!.note}` };
  const slowest = open.reduce((a, b) => (b.timeToVerdict!.weeks! > a.timeToVerdict!.weeks! ? b : a));
  return { weeks: slowest.timeToVerdict!.weeks, note: `${slowest.label}: ${slowest.timeToVerdict!.note}` };
}

/** The guardrails, judged like the evidence but on their own limits. */
function guardrailEvidence(data: Evidence, weeksSoFar: number): ScorecardEvidence[] {
  const checks: Guardrail[] = ['complaintsChange', 'callCentreContactsChange'];
  if (data.metrics.noShow !== null) checks.push('noShow');
  return checks.map((metric) =>
    judged(metric, { source: 'guardrail', ...guardrailLimits[metric] }, data, weeksSoFar),
  );
}

/** The scorecard: each criterion from its evidence and the manager's rating, and the recommendation. */
export function evaluateScorecard(
  pilot: Pick<Pilot, 'objectives'>,
  data: Evidence,
  ratings: readonly PilotRating[],
): Scorecard {
  const { from, to } = data.metrics.period;
  const weeksSoFar = Math.max(0, (Date.parse(to) - Date.parse(from)) / 86_400_000 + 1) / 7;
  const assessments: CriterionAssessment[] = criteria.map((criterion) => {
    const evidence =
      criterion === 'capacity'
        ? capacityEvidence(data.capacity, data.metrics.cohort.pilot)
        : evidenceOf[criterion]
            // No consultations, no no-show rate: not a gap in the evidence.
            .filter((metric) => metric !== 'noShow' || data.metrics.noShow !== null)
            .filter(
              (metric) =>
                !optionalEvidence.has(metric) ||
                figure(metric, data).value !== null ||
                pilot.objectives.some((o) => o.metric === metric),
            )
            .map((metric) =>
              judged(
                metric,
                ruleFor(
                  metric,
                  pilot.objectives.find((o) => o.metric === metric),
                ),
                data,
                weeksSoFar,
              ),
            );
    if (criterion === 'significant' && data.metrics.sampleRatio) {
      const srm = data.metrics.sampleRatio;
      const skewed = srm.bySegment.filter((s) => s.mismatch).map((s) => s.segment);
      if (srm.mismatch || skewed.length > 0) {
        evidence.push({
          label: srm.mismatch
            ? `the cohort split does not match its percentages (p = ${srm.pValue.toExponential(1)}): the comparison with control is suspect`
            : `the cohort split does not match its percentages within ${skewed.join(', ')}: the comparison with control is suspect`,
          metric: 'sampleRatio',
          value: srm.pValue,
          estimate: null,
          unit: 'drawn customers',
          objective: null,
          rule: null,
          verdict: 'concern',
          why: 'A concern: a χ² test of the drawn split against the configured percentages gives p < 0.001, so the draw or the enrolment may be broken; find out why before trusting the comparison.',
          timeToVerdict: { weeks: null, note: 'a broken split does not mend with time' },
        });
      }
    }
    const rating = ratings.find((r) => r.criterion === criterion);
    let verdict = combine(evidence.map((e) => e.verdict));
    // A manager who rates a criterion poorly turns a pass into a concern; a rating never hides a failure.
    const ratedDown = rating && rating.rating <= 2 && verdict === 'pass';
    if (ratedDown) verdict = 'concern';
    return {
      criterion,
      question: criterionQuestions[criterion],
      evidence,
      verdict,
      rating: rating ? { rating: rating.rating, note: rating.note, ratedAt: rating.ratedAt } : null,
      timeToVerdict:
        verdict === 'pass' || verdict === 'fail'
          ? null
          : ratedDown
            ? {
                weeks: null,
                note: `rated ${rating.rating}/5 by a manager: the evidence passes, the manager decides`,
              }
            : longest(evidence),
    };
  });
  const guardrails = guardrailEvidence(data, weeksSoFar);
  return { criteria: assessments, guardrails, ...recommend(assessments, guardrails) };
}

function recommend(
  assessments: CriterionAssessment[],
  guardrails: ScorecardEvidence[],
): { recommendation: Recommendation; reasons: string[]; extendWeeks: number | null } {
  const by = (v: Verdict) => assessments.filter((a) => a.verdict === v).map((a) => a.criterion);
  const failed = by('fail');
  const unsure = [...by('concern'), ...by('unknown')];
  const reasons: string[] = guardrails
    .filter((g) => g.verdict === 'fail')
    .map((g) => `guardrail breached: ${g.label} must not get worse.`);
  const breached = reasons.length > 0;
  for (const a of assessments) {
    if (a.verdict === 'pass') continue;
    const worst =
      a.evidence.find((e) => e.verdict === a.verdict) ?? a.evidence.find((e) => e.verdict !== 'pass');
    const because = worst
      ? worst.label
      : `rated ${a.rating?.rating}/5${a.rating?.note ? `: ${a.rating.note}` : ''}`;
    reasons.push(
      `${a.criterion} is ${a.verdict === 'unknown' ? 'not evidenced yet' : `a ${a.verdict}`}: ${because}.`,
    );
  }
  const decisive: Criterion[] = ['capacity', 'functional', 'significant'];
  if (breached || failed.some((c) => decisive.includes(c)) || failed.length >= 2) {
    return { recommendation: 'stop', reasons, extendWeeks: null };
  }
  if (failed.length === 0 && unsure.length === 0) {
    return { recommendation: 'go', reasons: ['every criterion passes on its evidence.'], extendWeeks: null };
  }
  const open = assessments.filter((a) => a.timeToVerdict);
  const stuck = open.filter((a) => a.timeToVerdict!.weeks === null);
  const extendWeeks =
    stuck.length > 0 || open.length === 0 ? null : Math.max(...open.map((a) => a.timeToVerdict!.weeks!));
  const estimate =
    extendWeeks !== null
      ? `extend the pilot by about ${extendWeeks} week${extendWeeks === 1 ? '' : 's'}: at the current rates, that is when the last open criterion can reach a verdict (${open.map((a) => `${a.criterion} ${a.timeToVerdict!.weeks}`).join(', ')} weeks).`
      : `extend the pilot, but at the current rates not every open criterion can reach a verdict: ${stuck.map((a) => `${a.criterion} — ${a.timeToVerdict!.note}`).join('; ')}.`;
  return { recommendation: 'extend', reasons: [...reasons, estimate], extendWeeks };
}
