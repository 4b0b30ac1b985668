/**
 * A figure measured on a sample, with its 95% confidence interval (null bounds when the sample
 * is too small to say anything). Rates are shares 0–1; NPS is −100…100.
 */
export interface Estimate {
  value: number | null;
  low: number | null;
  high: number | null;
  /** The sample it was measured on (customers, contacts or answers: the figure says which). */
  n: number;
}

/** One figure for the pilot arm beside the control arm, with a two-sided test of the difference. */
export interface ArmComparison {
  pilot: Estimate;
  control: Estimate;
  /** pilot − control. */
  difference: Estimate;
  /** difference / control, when control is not zero. */
  relativeChange: number | null;
  pValue: number | null;
  /** p < 0.05. */
  significant: boolean;
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
  /** The days measured: the pilot's start to its end or today, whichever is earlier. */
  period: { from: string; to: string };
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
  /** Per customer, over the period: the arms compared (Welch's t-test). */
  versusControl: {
    /** Contacts on the channels of kind `existing`, per customer. */
    existingContactsPerCustomer: ArmComparison;
    callCentreContactsPerCustomer: ArmComparison;
    /** NPS answers on any channel by the customers of each arm. */
    nps: ArmComparison;
    /**
     * The smallest difference in existing-channel contacts per customer this cohort can detect
     * (two-sided α 0.05, power 0.8), absolute and relative to the control mean.
     */
    minimumDetectableEffect: { absolute: number | null; relative: number | null };
  };
}

/** Port: computes a pilot's metrics without holding the database for long at a time. */
export interface PilotMetricsSource {
  compute(
    pilot: {
      id: string;
      channel: string;
      startsOn: string;
      endsOn: string;
      withinDays: number;
      rolloutPercent: number;
      controlPercent: number;
    },
    asOf: Date,
  ): Promise<PilotMetrics>;
}
