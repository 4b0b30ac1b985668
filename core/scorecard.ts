import type { Estimate, PilotMetrics } from './pilot-metrics.ts';

/** The five criteria a new channel is judged on, plus whether the team can run it at all. */
export const criteria = [
  'capacity',
  'appropriate',
  'relevant',
  'significant',
  'functional',
  'connected',
] as const;
export type Criterion = (typeof criteria)[number];

export const criterionQuestions: Record<Criterion, string> = {
  capacity: 'Can the team serve the cohort?',
  appropriate: 'Does it fit the customers, their segments and their context?',
  relevant: 'Does it serve the reasons customers really contact us for?',
  significant: 'Does it move the objectives: fewer calls, better NPS?',
  functional: 'Do customers complete their tasks in it?',
  connected: 'Does it hand off to the other channels without losing context?',
};

/** What the team can serve: advisor hours against the demand the cohort brings. */
export interface Capacity {
  /** False for self-service channels (the voice assistant), which need no advisor hours. */
  staffed: boolean;
  /** Advisor hours a week given to the pilot channel. */
  availableHoursPerWeek: number;
  /** Contacts a pilot-arm customer brings the channel each week: observed, or forecast from the census. */
  contactsPerCustomerWeek: number;
  basis: 'observed' | 'forecast';
  /** With a forecast: the share of the served contacts assumed to move to the new channel. */
  assumedTakeUp: number | null;
  /** Hours one contact takes (observed handle time, or the consultation length). */
  hoursPerContact: number;
  demandHoursPerWeek: number;
  /**
   * The largest pilot arm the available hours serve, never more than the eligible population
   * (null: unlimited, for self-service).
   */
  largestCohort: number | null;
  /** What the hours alone would serve, before the population caps it. */
  largestCohortByHours: number | null;
  /** Customers of the cohort's segments. */
  eligiblePopulation: number;
  /** The largest cohort is the whole eligible population, not what the hours could serve. */
  limitedByPopulation: boolean;
  /** Booked share of the bookable time in the next 14 days (null when not staffed). */
  bookedShareNext14Days: number | null;
  warnings: string[];
}

export type Verdict = 'pass' | 'concern' | 'fail' | 'unknown';

/** The thresholds a figure was judged on: between `fail` and `pass` it is a concern. */
export interface JudgingRule {
  /** The pilot's own objective, the kit's default thresholds, a guardrail's limit, or capacity's shares. */
  source: 'objective' | 'default' | 'guardrail' | 'capacity';
  comparison: 'at_least' | 'at_most';
  pass: number;
  fail: number;
}

/** How long the pilot would have to run on for an open figure to reach a verdict. */
export interface TimeToVerdict {
  /** More weeks at the current rates (null: not within two years, or not at the current value). */
  weeks: number | null;
  /** Why, in words (which threshold it would clear, or why it cannot). */
  note: string;
}

export interface ScorecardEvidence {
  /** What was measured, in words a manager reads ("containment 62% (55–69%)"). */
  label: string;
  /** The metric's key (`containment`, `versusControl.nps`…), for the export. */
  metric: string;
  value: number | null;
  /** The figure with its intervals and n, when it was measured on a sample. */
  estimate: Estimate | null;
  /** What n counts ("contacts", "customers", "answers"). */
  unit: string | null;
  /** The objective it was held against, when the pilot set one. */
  objective: { comparison: 'at_least' | 'at_most'; threshold: number } | null;
  rule: JudgingRule | null;
  verdict: Verdict;
  /** Why it came out as it did, one or two sentences. */
  why: string;
  /** For a concern or an unknown: how much longer until it can reach a verdict. */
  timeToVerdict: TimeToVerdict | null;
}

export interface CriterionAssessment {
  criterion: Criterion;
  question: string;
  evidence: ScorecardEvidence[];
  /** From the evidence: fail if any evidence fails, concern if any is a concern or unknown, else pass. */
  verdict: Verdict;
  /** The pilot manager's own rating (1–5) and note, when given. */
  rating: { rating: number; note: string; ratedAt: Date } | null;
  /** For an open criterion: the longest time its open evidence needs (null weeks: cannot say). */
  timeToVerdict: TimeToVerdict | null;
}

/** `not_started`: nothing measured yet (a draft, or before the first day): no decision to make. */
export type Recommendation = 'go' | 'extend' | 'stop' | 'not_started';

export interface Scorecard {
  criteria: CriterionAssessment[];
  /**
   * Figures that must not get worse (complaints and call-centre contacts against control,
   * no-shows): a breach (verdict `fail`) stops the pilot whatever the criteria say.
   */
  guardrails: ScorecardEvidence[];
  recommendation: Recommendation;
  /** Why, one sentence each. */
  reasons: string[];
  /** With "extend": the weeks more until every open criterion can reach a verdict (null: cannot say). */
  extendWeeks: number | null;
}

/** Everything the pilot report shows. */
export interface PilotReportData {
  metrics: PilotMetrics;
  capacity: Capacity;
  /** Share of the census's contacts (the cohort's segments, the 12 weeks before the pilot) whose reason the channel serves. */
  relevance: {
    servedContacts: number;
    allContacts: number;
    share: number | null;
    topReasons: { reason: string; contacts: number; served: boolean }[];
  };
  scorecard: Scorecard;
}
