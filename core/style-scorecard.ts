import type { BillStyle } from './bill-communications.ts';
import type { StyleArmReport } from './bill-styles.ts';
import type { ArmComparison, Estimate } from './pilot-metrics.ts';
import type { PilotRating } from './pilots.ts';
import {
  defaultThresholds,
  figureLabels,
  guardrailLimits,
  judgedEstimate,
  percent,
  signedPercent,
  type FigureLabel,
} from './scorecard-figures.ts';
import { assembleScorecard } from './scorecard-rules.ts';
import type { Criterion, JudgingRule, Scorecard, ScorecardEvidence } from './scorecard.ts';

// A style pilot's scorecard: each arm judged against control on the five criteria, by the same
// rules, verdicts and recommendation as every pilot, from the figures of the style report.

/** One arm of a style pilot with its scorecard against control. */
export interface StyleArmScorecard {
  arm: string;
  style: BillStyle;
  scorecard: Scorecard;
}

const points = (v: number) => `${v > 0 ? '+' : ''}${(v * 100).toFixed(1)} points`;

/** What each figure of a style arm is called and how it is judged when the pilot set no objective. */
const styleFigures = {
  deliveredRate: {
    label: { name: 'bills delivered on their medium', format: percent, unit: 'bills', grows: true },
    rule: { comparison: 'at_least', pass: 0.95, fail: 0.9 },
  },
  contactsPerBillChange: {
    label: {
      name: 'contacts about bills per bill vs control (all channels)',
      format: signedPercent,
      unit: 'bills',
      grows: true,
    },
    rule: defaultThresholds.existingContactsChange,
  },
  onTimeVsControl: {
    label: { name: 'bills paid on time vs control', format: points, unit: 'bills', grows: true },
    rule: { comparison: 'at_least', pass: 0, fail: 0 },
  },
  callCentreContactsPerBillChange: {
    label: {
      name: 'call-centre contacts per bill vs control',
      format: signedPercent,
      unit: 'bills',
      grows: true,
    },
    rule: defaultThresholds.callCentreContactsChange,
  },
  npsVsControl: { label: figureLabels.npsVsControl, rule: defaultThresholds.npsVsControl },
  onTimeRate: {
    label: { name: 'bills paid on time', format: percent, unit: 'bills', grows: true },
    rule: { comparison: 'at_least', pass: 0.8, fail: 0.6 },
  },
  openedRate: {
    label: {
      name: "bills whose personal link was opened, continuing the bill's journey on its page",
      format: percent,
      unit: 'bills',
      grows: true,
    },
    rule: { comparison: 'at_least', pass: 0.2, fail: 0.05 },
  },
} satisfies Record<string, { label: FigureLabel; rule: Omit<JudgingRule, 'source'> }>;
type StyleFigure = keyof typeof styleFigures;

/** Which figures are evidence for which criterion (capacity: a style needs no advisor hours). */
const styleEvidence: Record<Exclude<Criterion, 'capacity'>, StyleFigure[]> = {
  appropriate: ['deliveredRate'],
  relevant: ['contactsPerBillChange'],
  significant: ['onTimeVsControl', 'callCentreContactsPerBillChange', 'npsVsControl'],
  functional: ['onTimeRate'],
  connected: ['openedRate'],
};

const relativeOf = (c: ArmComparison): Estimate =>
  c.relative ?? { value: null, low: null, high: null, n: c.difference.n };

function estimateOf(
  figure: StyleFigure,
  arm: StyleArmReport,
): { estimate: Estimate; comparison: ArmComparison | null } {
  const versus = arm.vsControl;
  const against = (c: ArmComparison | undefined, relative: boolean) =>
    c
      ? { estimate: relative ? relativeOf(c) : c.difference, comparison: c }
      : { estimate: { value: null, low: null, high: null, n: 0 }, comparison: null };
  switch (figure) {
    case 'deliveredRate':
      return { estimate: arm.deliveredRate, comparison: null };
    case 'onTimeRate':
      return { estimate: arm.onTimeRate, comparison: null };
    case 'openedRate':
      return { estimate: arm.openedRate, comparison: null };
    case 'contactsPerBillChange':
      return against(versus?.contactsPerBill, true);
    case 'callCentreContactsPerBillChange':
      return against(versus?.callCentreContactsPerBill, true);
    case 'onTimeVsControl':
      return against(versus?.onTimeRate, false);
    case 'npsVsControl':
      return against(versus?.nps, false);
  }
}

function judgedFigure(
  figure: StyleFigure,
  arm: StyleArmReport,
  rule: JudgingRule,
  weeksSoFar: number,
): ScorecardEvidence {
  const { estimate, comparison } = estimateOf(figure, arm);
  const evidence = judgedEstimate(figure, styleFigures[figure].label, estimate, rule, weeksSoFar, {
    comparison,
  });
  const holm = arm.vsControl?.onTimeHolmPValue;
  if (figure !== 'onTimeVsControl' || holm === null || holm === undefined) return evidence;
  return {
    ...evidence,
    why: `${evidence.why} Fixed-horizon p adjusted for the arms compared at once (Holm): ${holm < 0.001 ? '< 0.001' : holm.toFixed(3)}.`,
  };
}

/**
 * Each arm of a style pilot judged against control on the five criteria: the figures of the style
 * report on default thresholds, the manager's ratings of the pilot's criteria, and call-centre
 * contacts per bill as the guardrail that must not get worse.
 */
export function styleScorecards(
  report: readonly StyleArmReport[],
  ratings: readonly PilotRating[],
  weeksSoFar: number,
): StyleArmScorecard[] {
  return report
    .filter((arm) => arm.vsControl)
    .map((arm) => {
      const judgedCriteria = (Object.keys(styleEvidence) as (keyof typeof styleEvidence)[]).map(
        (criterion) => ({
          criterion,
          evidence: styleEvidence[criterion].map((figure) =>
            judgedFigure(figure, arm, { source: 'default', ...styleFigures[figure].rule }, weeksSoFar),
          ),
        }),
      );
      const guardrail = judgedFigure(
        'callCentreContactsPerBillChange',
        arm,
        { source: 'guardrail', ...guardrailLimits.callCentreContactsChange },
        weeksSoFar,
      );
      return {
        arm: arm.arm,
        style: arm.style,
        scorecard: assembleScorecard(judgedCriteria, ratings, [guardrail]),
      };
    });
}
