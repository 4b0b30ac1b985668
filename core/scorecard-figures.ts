import type { ArmComparison, Estimate } from './pilot-metrics.ts';
import type { Objective, ObjectiveMetric } from './pilots.ts';
import type { JudgingRule, PilotReportData, ScorecardEvidence, Verdict } from './scorecard.ts';
import { explain, ruleText, timeToVerdict, verdictOf, type JudgingContext } from './scorecard-explain.ts';

// The figures the scorecard judges: what each is called and how it reads, its thresholds, where
// it comes from in the metrics, and the evidence made of it.

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
export type Guardrail = keyof typeof guardrailLimits;

export type Figure = ObjectiveMetric | 'relevance' | 'complaintsChange';

export const percent = (v: number) => `${(v * 100).toFixed(0)}%`;
export function signedPercent(v: number): string {
  return `${v > 0 ? '+' : ''}${(v * 100).toFixed(0)}%`;
}

/** What each figure is called, how it reads, what its n counts and whether n grows with time. */
export const figureLabels: Record<Figure, FigureLabel> = {
  adoption: {
    name: 'adoption',
    format: percent,
    unit: 'pilot-arm customers',
    grows: false,
    cumulative: true,
  },
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

export type Evidence = Omit<PilotReportData, 'scorecard'>;
const none = (n: number): Estimate => ({ value: null, low: null, high: null, n });

/** The figure a rule names, with its intervals. */
export function figure(metric: Figure, data: Evidence): Estimate {
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

export function ruleFor(
  metric: ObjectiveMetric | 'relevance',
  objective: Objective | undefined,
): JudgingRule {
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
 * in between. A figure without an interval is a concern: no verdict without evidence.
 */
export function judge(
  estimate: Estimate,
  metric: ObjectiveMetric | 'relevance',
  objective: Objective | undefined,
): Verdict {
  return verdictOf(estimate, ruleFor(metric, objective));
}

function describe({ name, format }: FigureLabel, estimate: Estimate): string {
  if (estimate.value === null) return `${name}: not measured yet`;
  const interval =
    estimate.low !== null && estimate.high !== null
      ? ` (${format(estimate.low)} to ${format(estimate.high)})`
      : '';
  return `${name} ${format(estimate.value)}${interval}`;
}

/** What a figure is called, how its values read, what its n counts and whether n grows with time. */
export interface FigureLabel {
  name: string;
  format: (v: number) => string;
  unit: string;
  grows: boolean;
  /**
   * The figure itself only grows while the pilot runs (adoption: a customer who used the channel
   * once stays an adopter), so it cannot fail an at-least rule before the pilot has ended.
   */
  cumulative?: boolean;
}

/** While the pilot runs: its last day and the weeks left to it (null once it has ended). */
export type StillRunning = { endsOn: string; weeksLeft: number } | null;

/**
 * An estimate judged on a rule, with the words that say why and, when open, how long it needs;
 * `comparison` is the test against control behind it, when it is one; `exact`, a figure counted
 * over every case rather than sampled; `running`, whether the pilot still runs (see FigureLabel's
 * `cumulative`).
 */
export function judgedEstimate(
  metric: string,
  label: FigureLabel,
  estimate: Estimate,
  rule: JudgingRule,
  weeksSoFar: number,
  options: { comparison?: ArmComparison | null; exact?: boolean; running?: StillRunning } = {},
): ScorecardEvidence {
  const { format, unit, grows } = label;
  const comparison = options.comparison ?? null;
  const d = comparison?.difference;
  const context: JudgingContext = {
    exact: options.exact ?? false,
    growing: label.cumulative ? (options.running ?? null) : null,
    // A relative change without an interval beside a difference with one: Fieller's set for the
    // ratio is unbounded because control's own mean may still be 0.
    ...(comparison && d && d.value !== null && d.low !== null && d.high !== null && estimate !== d
      ? {
          noIntervalBecause: `the control arm's own mean is not yet distinguishable from 0, so a change relative to it could be of any size; the difference itself is ${perCustomer(d.value)} per customer (${perCustomer(d.low)} to ${perCustomer(d.high)}), ${comparison.significant ? 'which excludes 0' : 'which holds 0'}`,
        }
      : {}),
  };
  const verdict = verdictOf(estimate, rule, context);
  let why = `${explain(estimate, rule, verdict, format, unit, context)} Rule: ${ruleText(rule, format)}.`;
  if (comparison && verdict === 'concern' && estimate.low !== null) {
    if (comparison.significant) {
      why +=
        ' The difference from control is significant (its interval excludes 0), but not by enough to clear the thresholds.';
    } else if (comparison.significantFixed && comparison.pValue !== null) {
      why += ` A fixed-horizon test alone would call the difference significant (p = ${comparison.pValue.toFixed(3)}), but that holds for one planned look only; read every day, only the always-valid interval keeps the error rate at 5%.`;
    }
  }
  return {
    label: describe(label, estimate),
    metric,
    value: estimate.value,
    estimate,
    unit,
    objective: rule.source === 'objective' ? { comparison: rule.comparison, threshold: rule.pass } : null,
    rule,
    verdict,
    why,
    timeToVerdict:
      verdict === 'concern' || verdict === 'unknown'
        ? timeToVerdict(estimate, rule, weeksSoFar, grows, format, context)
        : null,
  };
}

/** A difference of counts per customer, to two significant digits: "+0.012", "−0.0044". */
function perCustomer(v: number): string {
  const digits = Number(v.toPrecision(2));
  return `${digits > 0 ? '+' : ''}${digits}`;
}

/** A figure of a pilot's metrics judged on a rule. */
export function judged(
  metric: Figure,
  rule: JudgingRule,
  data: Evidence,
  weeksSoFar: number,
  running: StillRunning = null,
): ScorecardEvidence {
  const exact = metric === 'relevance';
  const evidence = judgedEstimate(metric, figureLabels[metric], figure(metric, data), rule, weeksSoFar, {
    comparison: comparisonOf(metric, data),
    exact,
    running,
  });
  if (!exact) return evidence;
  return {
    ...evidence,
    estimate: null,
    why: `${evidence.why} A census of every contact, not a sample: judged on its value.`,
    timeToVerdict: evidence.timeToVerdict && {
      weeks: null,
      note: 'a census figure: it does not change as the pilot runs',
    },
  };
}

/**
 * A guardrail judged on its limit. The limits on changes against control sit at 0, where the
 * relative change and the difference agree (Fieller's interval holds 0 exactly when the
 * difference's does); when control's mean may still be 0 the relative change has no interval, and
 * the guardrail is judged on the difference instead, so that a pilot bringing complaints where
 * control has almost none still breaches it.
 */
export function judgedGuardrail(metric: Guardrail, data: Evidence, weeksSoFar: number): ScorecardEvidence {
  const rule: JudgingRule = { source: 'guardrail', ...guardrailLimits[metric] };
  const comparison = comparisonOf(metric, data);
  const relative = figure(metric, data);
  const d = comparison?.difference;
  if (!comparison || !d || relative.low !== null || d.low === null || rule.pass !== 0 || rule.fail !== 0) {
    return judged(metric, rule, data, weeksSoFar);
  }
  const label = figureLabels[metric];
  const evidence = judgedEstimate(
    metric,
    { ...label, name: `${label.name} (difference per customer)`, format: perCustomer },
    d,
    rule,
    weeksSoFar,
    { comparison },
  );
  return {
    ...evidence,
    why: `${evidence.why} Judged on the difference: control's own mean is not yet distinguishable from 0, so the relative change has no interval, and a limit of 0 means the same on either.`,
  };
}
