import type { LiveChatFigures } from './live-chat-figures.ts';
import type { VarianceReduction } from './variance-reduction.ts';

/**
 * A figure measured on a sample, with its always-valid 95% interval (`low`–`high`: a confidence
 * sequence, valid however often it is read, see sequential.ts) and the fixed-horizon 95% interval
 * beside it (`fixed`, valid at one planned look only). Null bounds: the sample is too small to say
 * anything. Rates are shares 0–1; NPS is −100…100.
 */
export interface Estimate {
  value: number | null;
  low: number | null;
  high: number | null;
  /** The sample it was measured on (customers, contacts or answers: the figure says which). */
  n: number;
  fixed?: { low: number; high: number };
}

/** One figure for the pilot arm beside the control arm, with two-sided tests of the difference. */
export interface ArmComparison {
  pilot: Estimate;
  control: Estimate;
  /** pilot − control. */
  difference: Estimate;
  /**
   * pilot / control − 1 with Fieller's interval, when control is not zero: it holds 0 exactly when
   * the difference's does. Without bounds when control's own mean is not distinguishable from 0
   * (the change could then be of any size).
   */
  relative: Estimate | null;
  /** Fixed-horizon p-value (valid at one planned look). */
  pValue: number | null;
  /** Always-valid p-value (valid however often it is read). */
  sequentialPValue: number | null;
  /** The always-valid interval excludes 0. */
  significant: boolean;
  /** The fixed-horizon p < 0.05. */
  significantFixed: boolean;
}

/** A comparison of contacts per customer, adjusted by each customer's contacts before the pilot. */
export type AdjustedComparison = ArmComparison & { varianceReduction: VarianceReduction };

/** One week of the pilot (weeks start on the pilot's start day). */
export interface WeeklyFigures {
  /** The week's first day. */
  week: string;
  /** Pilot-arm customers who had used the channel by the week's end, of the pilot arm. */
  adoption: number | null;
  /** The week's pilot-channel contacts contained, of those contacts. */
  containment: number | null;
  contacts: number;
  /** Existing-channel contacts per drawn customer in the week, each arm. */
  existingPerCustomer: { pilot: number | null; control: number | null };
  /** NPS of the week's answers about pilot-channel contacts (null: fewer than 5 answers). */
  nps: number | null;
  npsAnswers: number;
}

/**
 * What a pilot measured, from the interaction log and the survey answers of its cohort, over
 * the pilot's days so far. "Contacts" on the pilot channel are its settled contacts (turns
 * marked `continued` are not counted). A contact's follow-ups are the same customer's contacts
 * for the same reason within `withinDays` after it.
 */
export interface PilotMetrics {
  pilotId: string;
  channel: string;
  /**
   * The days measured: the pilot's start to its end or today, whichever is earlier. Null while
   * nothing is measured: a draft, or a pilot whose first day has not come.
   */
  period: { from: string; to: string } | null;
  withinDays: number;
  cohort: {
    /** Customers in the pilot arm (explicit and drawn). */
    pilot: number;
    control: number;
    /** Pilot-arm customers named explicitly, outside the random split. */
    explicit: number;
    invited: number;
  };
  /**
   * Sample-ratio-mismatch check of the random split: drawn pilot vs control against the
   * configured percentages (χ² with one degree of freedom); mismatch when p < 0.001.
   */
  sampleRatio: {
    expectedPilotShare: number;
    pilot: number;
    control: number;
    chiSquare: number;
    pValue: number;
    mismatch: boolean;
    /** The same check within each customer segment. */
    bySegment: { segment: string; pilot: number; control: number; pValue: number; mismatch: boolean }[];
  } | null;
  /** Pilot-arm customers who used the channel at least once (n: pilot-arm customers). */
  adoption: Estimate;
  adoptionBySegment: { segment: string; enrolled: number; adopters: number; rate: Estimate }[];
  /** Settled contacts on the pilot channel by pilot-arm customers in the period. */
  contacts: number;
  /** Resolved in the channel and no contact on another channel for the same reason within the window. */
  containment: Estimate;
  /** Followed by a contact on another channel for the same reason within the window. */
  switching: Estimate;
  switchedTo: { channel: string; contacts: number }[];
  /** Resolved with no further contact at all for the same reason within the window. */
  firstContactResolution: Estimate;
  /** Contacts whose outcome is `resolved`. */
  taskCompletion: Estimate;
  handoffs: {
    /** Contacts handed off (outcome `handed_off`). */
    total: number;
    /** Handed off to a contact that names this one as where it came from, so the context went along. */
    withContext: number;
    contextRate: Estimate;
    /** Contacts whose journey went on to a later step on another channel. */
    continuedElsewhere: number;
  };
  handleTime: { averageSeconds: number | null; medianSeconds: number | null; n: number };
  /** Consultations of the pilot arm in the period that ended as no-show, of those that were due (null: none). */
  noShow: Estimate | null;
  /** Answers about pilot-channel contacts. */
  nps: Estimate & { promoters: number; passives: number; detractors: number };
  csat: Estimate;
  ces: Estimate;
  /**
   * Per drawn customer, over the period: the arms compared (Welch on CUPED-adjusted means, the
   * covariate the same count in the `preWeeks` weeks before the start).
   */
  versusControl: {
    /** Contacts on the channels of kind `existing`, per customer. */
    existingContactsPerCustomer: AdjustedComparison;
    callCentreContactsPerCustomer: AdjustedComparison;
    /** Contacts for the reason `complaint`, on any channel, per customer (a guardrail). */
    complaintsPerCustomer: AdjustedComparison;
    /**
     * NPS answers about contacts on the existing channels (the answers both arms could give; the
     * pilot channel's own surveys are left out), compared at the unit of randomisation: each
     * answering customer's own NPS, Welch's test.
     */
    nps: ArmComparison & { answers: { pilot: number; control: number } };
    /** The channels whose answers count in the NPS comparison. */
    npsChannels: string[];
    /**
     * The smallest difference in existing-channel contacts per customer this cohort can detect
     * (two-sided α 0.05, power 0.8, each arm's own adjusted variance), absolute and relative to the
     * control mean.
     */
    minimumDetectableEffect: { absolute: number | null; relative: number | null };
  };
  /** Weekly figures, oldest first. */
  weekly: WeeklyFigures[];
  /** For a live chat pilot, the chat's own figures over the pilot arm's chats (null for other channels). */
  liveChat: LiveChatFigures | null;
}

/**
 * The weeks before a pilot's start that describe its cohort as it was: the census the relevance
 * criterion reads, and each customer's contacts that adjust the comparison with control (CUPED).
 */
export const BASELINE_WEEKS = 12;

/** Port: computes a pilot's metrics without holding the database for long at a time. */
export interface PilotMetricsSource {
  compute(
    pilot: {
      id: string;
      channel: string;
      startsOn: string;
      endsOn: string;
      /** A draft is measured over no time at all, whatever its dates. */
      status?: 'draft' | 'running' | 'paused' | 'ended';
      withinDays: number;
      rolloutPercent: number;
      controlPercent: number;
    },
    asOf: Date,
  ): Promise<PilotMetrics>;
}
