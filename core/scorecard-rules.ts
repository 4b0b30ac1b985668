import type { ObjectiveMetric, Pilot, PilotRating } from './pilots.ts';
import {
  criteria,
  criterionQuestions,
  type Criterion,
  type CriterionAssessment,
  type Recommendation,
  type Scorecard,
  type ScorecardEvidence,
  type TimeToVerdict,
  type Verdict,
} from './scorecard.ts';
import { capacityEvidence } from './scorecard-capacity.ts';
import { daysBetween } from './clock.ts';
import {
  figure,
  judged,
  judgedGuardrail,
  ruleFor,
  type Evidence,
  type Guardrail,
  type StillRunning,
} from './scorecard-figures.ts';

export { defaultThresholds, guardrailLimits, judge } from './scorecard-figures.ts';

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

/** Surveys a channel does not ask are no gap in its evidence, unless the pilot set an objective on them. */
const optionalEvidence = new Set<ObjectiveMetric | 'relevance'>(['csat', 'ces']);

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
  return checks.map((metric) => judgedGuardrail(metric, data, weeksSoFar));
}

/**
 * While the pilot runs, its last day and the weeks left to it; null once it has ended (its status
 * says so, or the days measured reach its last day), when a figure that only grows is final.
 */
function stillRunning(pilot: Pick<Pilot, 'status' | 'endsOn'>, measuredTo: string): StillRunning {
  if (pilot.status === 'ended' || measuredTo >= pilot.endsOn) return null;
  return { endsOn: pilot.endsOn, weeksLeft: daysBetween(measuredTo, pilot.endsOn) / 7 };
}

/** The scorecard: each criterion from its evidence and the manager's rating, and the recommendation. */
export function evaluateScorecard(
  pilot: Pick<Pilot, 'objectives' | 'status' | 'startsOn' | 'endsOn'>,
  data: Evidence,
  ratings: readonly PilotRating[],
): Scorecard {
  const { period } = data.metrics;
  const weeksSoFar = period
    ? Math.max(0, (Date.parse(period.to) - Date.parse(period.from)) / 86_400_000 + 1) / 7
    : 0;
  // A pilot that measured nothing yet has all its days ahead.
  const running = stillRunning(pilot, period?.to ?? pilot.startsOn);
  const judgedCriteria = criteria.map((criterion) => {
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
                running,
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
    return { criterion, evidence };
  });
  const scorecard = assembleScorecard(judgedCriteria, ratings, guardrailEvidence(data, weeksSoFar));
  return period ? scorecard : notStarted(scorecard);
}

/**
 * Nothing measured yet (a draft, or a pilot before its first day): no go, extend or stop, but
 * what the forecast from the census says about starting it.
 */
function notStarted(scorecard: Scorecard): Scorecard {
  const forecast: Criterion[] = ['capacity', 'relevant'];
  const against = scorecard.criteria.filter(
    (c) => forecast.includes(c.criterion) && (c.verdict === 'fail' || c.verdict === 'concern'),
  );
  const reasons = [
    'the pilot has not started: nothing is measured before its first day, so there is no decision to make yet.',
    ...against.map((c) => {
      const worst = c.evidence.find((e) => e.verdict === c.verdict);
      return `${c.criterion} is ${c.verdict === 'fail' ? 'a fail' : 'a concern'} on the forecast from the census${worst ? `: ${worst.label}` : ''}.`;
    }),
    against.some((c) => c.verdict === 'fail')
      ? 'revise the definition before starting it.'
      : 'nothing in the forecast from the census stands against starting it.',
  ];
  return { ...scorecard, recommendation: 'not_started', reasons, extendWeeks: null };
}

/**
 * The scorecard from each criterion's judged evidence, the manager's ratings and the guardrails:
 * each criterion's verdict and time to a verdict, and the recommendation. Any pilot's evidence
 * goes through it, whatever its figures are.
 */
export function assembleScorecard(
  judgedCriteria: readonly { criterion: Criterion; evidence: ScorecardEvidence[] }[],
  ratings: readonly PilotRating[],
  guardrails: ScorecardEvidence[],
): Scorecard {
  const assessments = judgedCriteria.map(({ criterion, evidence }): CriterionAssessment => {
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
