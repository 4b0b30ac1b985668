import type { PilotMetrics } from './pilot-metrics.ts';

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
  /** The largest pilot arm the available hours serve (null: unlimited, for self-service). */
  largestCohort: number | null;
  /** Booked share of the bookable time in the next 14 days (null when not staffed). */
  bookedShareNext14Days: number | null;
  warnings: string[];
}

export type Verdict = 'pass' | 'concern' | 'fail' | 'unknown';

export interface ScorecardEvidence {
  /** What was measured, in words a manager reads ("containment 62% (55–69%)"). */
  label: string;
  /** The metric's key (`containment`, `versusControl.nps`…), for the export. */
  metric: string;
  value: number | null;
  /** The objective it was held against, when the pilot set one. */
  objective: { comparison: 'at_least' | 'at_most'; threshold: number } | null;
  verdict: Verdict;
}

export interface CriterionAssessment {
  criterion: Criterion;
  question: string;
  evidence: ScorecardEvidence[];
  /** From the evidence: fail if any evidence fails, concern if any is a concern or unknown, else pass. */
  verdict: Verdict;
  /** The pilot manager's own rating (1–5) and note, when given. */
  rating: { rating: number; note: string; ratedAt: Date } | null;
}

export type Recommendation = 'go' | 'extend' | 'stop';

export interface Scorecard {
  criteria: CriterionAssessment[];
  recommendation: Recommendation;
  /** Why, one sentence each. */
  reasons: string[];
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
