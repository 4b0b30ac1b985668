import type { Estimate, PilotMetrics } from './pilot-metrics.ts';
import type { Objective, ObjectiveMetric, Pilot, PilotRating } from './pilots.ts';
import {
  criteria,
  criterionQuestions,
  type Capacity,
  type Criterion,
  type CriterionAssessment,
  type PilotReportData,
  type Recommendation,
  type Scorecard,
  type ScorecardEvidence,
  type Verdict,
} from './scorecard.ts';

/**
 * Where a figure passes and where it fails when the pilot set no objective for it; between the
 * two it is a concern. Shares 0–1, NPS −100…100, CSAT 1–5, relative changes as shares.
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
const labels: Record<ObjectiveMetric | 'relevance', { name: string; format: (v: number) => string }> = {
  adoption: { name: 'adoption', format: percent },
  relevance: { name: "share of the census's contacts whose reason the channel serves", format: percent },
  containment: { name: 'containment', format: percent },
  switching: { name: 'switching to another channel', format: percent },
  firstContactResolution: { name: 'first-contact resolution', format: percent },
  taskCompletion: { name: 'task completion', format: percent },
  handoffContextRate: { name: 'handoffs that carried the context', format: percent },
  noShow: { name: 'no-show rate', format: percent },
  nps: { name: 'NPS of the channel', format: (v) => v.toFixed(0) },
  csat: { name: 'CSAT', format: (v) => v.toFixed(2) },
  ces: { name: 'CES', format: (v) => v.toFixed(2) },
  existingContactsChange: {
    name: 'existing-channel contacts per customer vs control',
    format: signedPercent,
  },
  callCentreContactsChange: { name: 'call-centre contacts per customer vs control', format: signedPercent },
  npsVsControl: { name: 'NPS vs control', format: (v) => `${v > 0 ? '+' : ''}${v.toFixed(0)} points` },
};

function signedPercent(v: number): string {
  return `${v > 0 ? '+' : ''}${(v * 100).toFixed(0)}%`;
}

/** The figure an objective names, with its interval. */
function figure(metric: ObjectiveMetric | 'relevance', data: Omit<PilotReportData, 'scorecard'>): Estimate {
  const m = data.metrics;
  const relative = (c: PilotMetrics['versusControl']['existingContactsPerCustomer']): Estimate => {
    const base = c.control.value;
    if (c.relativeChange === null || !base) return { value: null, low: null, high: null, n: c.difference.n };
    return {
      value: c.relativeChange,
      low: c.difference.low === null ? null : c.difference.low / base,
      high: c.difference.high === null ? null : c.difference.high / base,
      n: c.difference.n,
    };
  };
  switch (metric) {
    case 'relevance':
      return { value: data.relevance.share, low: null, high: null, n: data.relevance.allContacts };
    case 'handoffContextRate':
      return m.handoffs.contextRate;
    case 'noShow':
      return m.noShow ?? { value: null, low: null, high: null, n: 0 };
    case 'existingContactsChange':
      return relative(m.versusControl.existingContactsPerCustomer);
    case 'callCentreContactsChange':
      return relative(m.versusControl.callCentreContactsPerCustomer);
    case 'npsVsControl':
      return m.versusControl.nps.difference;
    default:
      return m[metric];
  }
}

const meets = (v: number, comparison: Objective['comparison'], threshold: number) =>
  comparison === 'at_least' ? v >= threshold : v <= threshold;

/**
 * Pass when the whole 95% interval meets the objective (or, without one, the default pass
 * threshold); fail when the whole interval misses it (the default fail threshold); a concern
 * in between. A figure without an interval is judged on its value.
 */
export function judge(
  estimate: Estimate,
  metric: ObjectiveMetric | 'relevance',
  objective: Objective | undefined,
): Verdict {
  if (estimate.value === null) return 'unknown';
  const rule = objective
    ? { comparison: objective.comparison, pass: objective.threshold, fail: objective.threshold }
    : defaultThresholds[metric];
  const bounds = [estimate.low ?? estimate.value, estimate.high ?? estimate.value];
  if (bounds.every((b) => meets(b, rule.comparison, rule.pass))) return 'pass';
  if (bounds.every((b) => !meets(b, rule.comparison, rule.fail))) return 'fail';
  return 'concern';
}

/** Surveys a channel does not ask are no gap in its evidence, unless the pilot set an objective on them. */
const optionalEvidence = new Set<ObjectiveMetric | 'relevance'>(['csat', 'ces']);

function capacityEvidence(capacity: Capacity, cohort: number): ScorecardEvidence[] {
  if (!capacity.staffed) {
    return [
      {
        label: 'self-service channel: no advisor hours needed',
        metric: 'capacity',
        value: null,
        objective: null,
        verdict: 'pass',
      },
    ];
  }
  const evidence: ScorecardEvidence[] = [];
  const largest = capacity.largestCohort;
  evidence.push({
    label:
      largest === null
        ? 'no demand measured or forecast yet'
        : `the advisors' hours serve a pilot arm of up to ${largest} customers (now ${cohort})`,
    metric: 'capacity.largestCohort',
    value: largest,
    objective: null,
    verdict:
      largest === null ? 'unknown' : cohort > largest ? 'fail' : cohort > 0.8 * largest ? 'concern' : 'pass',
  });
  if (capacity.bookedShareNext14Days !== null) {
    evidence.push({
      label: `bookings fill ${percent(capacity.bookedShareNext14Days)} of the next 14 days`,
      metric: 'capacity.bookedShareNext14Days',
      value: capacity.bookedShareNext14Days,
      objective: null,
      verdict:
        capacity.bookedShareNext14Days >= 0.95
          ? 'fail'
          : capacity.bookedShareNext14Days >= 0.8
            ? 'concern'
            : 'pass',
    });
  }
  return evidence;
}

function describe(metric: ObjectiveMetric | 'relevance', estimate: Estimate): string {
  const { name, format } = labels[metric];
  if (estimate.value === null) return `${name}: not measured yet`;
  const interval =
    estimate.low !== null && estimate.high !== null
      ? ` (${format(estimate.low)} to ${format(estimate.high)})`
      : '';
  return `${name} ${format(estimate.value)}${interval}`;
}

function combine(verdicts: Verdict[]): Verdict {
  if (verdicts.length === 0 || verdicts.every((v) => v === 'unknown')) return 'unknown';
  if (verdicts.includes('fail')) return 'fail';
  if (verdicts.includes('concern') || verdicts.includes('unknown')) return 'concern';
  return 'pass';
}

/** The scorecard: each criterion from its evidence and the manager's rating, and the recommendation. */
export function evaluateScorecard(
  pilot: Pick<Pilot, 'objectives'>,
  data: Omit<PilotReportData, 'scorecard'>,
  ratings: readonly PilotRating[],
): Scorecard {
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
            .map((metric): ScorecardEvidence => {
              const objective = pilot.objectives.find((o) => o.metric === metric);
              const estimate = figure(metric, data);
              return {
                label: describe(metric, estimate),
                metric,
                value: estimate.value,
                objective: objective
                  ? { comparison: objective.comparison, threshold: objective.threshold }
                  : null,
                verdict: judge(estimate, metric, objective),
              };
            });
    if (criterion === 'significant' && data.metrics.sampleRatio?.mismatch) {
      evidence.push({
        label: `the cohort split does not match its percentages (p = ${data.metrics.sampleRatio.pValue.toExponential(1)}): the comparison with control is suspect`,
        metric: 'sampleRatio',
        value: data.metrics.sampleRatio.pValue,
        objective: null,
        verdict: 'concern',
      });
    }
    const rating = ratings.find((r) => r.criterion === criterion);
    let verdict = combine(evidence.map((e) => e.verdict));
    // A manager who rates a criterion poorly turns a pass into a concern; a rating never hides a failure.
    if (rating && rating.rating <= 2 && verdict === 'pass') verdict = 'concern';
    return {
      criterion,
      question: criterionQuestions[criterion],
      evidence,
      verdict,
      rating: rating ? { rating: rating.rating, note: rating.note, ratedAt: rating.ratedAt } : null,
    };
  });
  return { criteria: assessments, ...recommend(assessments) };
}

function recommend(assessments: CriterionAssessment[]): {
  recommendation: Recommendation;
  reasons: string[];
} {
  const by = (v: Verdict) => assessments.filter((a) => a.verdict === v).map((a) => a.criterion);
  const failed = by('fail');
  const unsure = [...by('concern'), ...by('unknown')];
  const reasons: string[] = [];
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
  if (failed.some((c) => decisive.includes(c)) || failed.length >= 2) {
    return { recommendation: 'stop', reasons };
  }
  if (failed.length === 0 && unsure.length === 0) {
    return { recommendation: 'go', reasons: ['every criterion passes on its evidence.'] };
  }
  return {
    recommendation: 'extend',
    reasons: [...reasons, 'extend the pilot until the open criteria are evidenced.'],
  };
}
