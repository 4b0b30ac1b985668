import { createHash } from 'node:crypto';
import { z } from 'zod';
import { checkObjectives, objectiveMetrics } from './pilot-objectives.ts';
import { IsoDate, Segment, Slug, Uuid } from './vocabulary.ts';

export const pilotStatuses = ['draft', 'running', 'paused', 'ended'] as const;
export type PilotStatus = (typeof pilotStatuses)[number];

/** Which status may follow which: a pilot starts, pauses and resumes, and ends once. */
export const pilotTransitions: Record<PilotStatus, readonly PilotStatus[]> = {
  // A draft has enrolled and measured nobody: one that will never run is left as a draft.
  draft: ['running'],
  running: ['paused', 'ended'],
  paused: ['running', 'ended'],
  ended: [],
};

export { objectiveMetrics, objectiveScales, type ObjectiveMetric } from './pilot-objectives.ts';

/** A number, said so when something else was given (`20,5`, a word). */
const aNumber = z.number({ error: 'must be a number, such as 20.5' });

export const Objective = z.object({
  metric: z.enum(objectiveMetrics, { error: `is one of ${objectiveMetrics.join(', ')}` }),
  comparison: z.enum(['at_least', 'at_most'], { error: 'is at_least or at_most' }),
  /**
   * Rates and changes as shares (0.6 for 60%, −0.1 for a 10% drop); NPS −100…100 and NPS vs
   * control in points; CSAT 1–5; CES 1–7.
   */
  threshold: aNumber,
});
export type Objective = z.infer<typeof Objective>;

const percent = aNumber
  .min(0, { error: 'is a percentage, from 0 to 100 (20 for 20%)' })
  .max(100, { error: 'is a percentage, from 0 to 100 (20 for 20%)' })
  .multipleOf(0.01, { error: 'has at most two decimals' });

/** A list in which each value appears once: a repeated one is named, not stored twice. */
function once<T extends z.ZodType<string>>(item: T) {
  return z.array(item).superRefine((values, ctx) => {
    const seen = new Set<string>();
    values.forEach((value, i) => {
      if (seen.has(value)) ctx.addIssue({ code: 'custom', path: [i], message: `names ${value} twice` });
      seen.add(value);
    });
  });
}

export const CohortRules = z
  .object({
    /** Only customers of these segments are drawn (empty: every segment). */
    segments: once(Segment).max(segmentsCount()).default([]),
    /** Customers in the pilot arm whatever the draw. */
    customerIds: once(Uuid).max(10_000).default([]),
    /** Share of the eligible customers drawn into the pilot arm; raising it keeps everyone already in. */
    rolloutPercent: percent.default(0),
    /** Share drawn into the control group, who keep the existing channels only. */
    controlPercent: percent.max(50, { error: 'is at most 50' }).default(0),
  })
  .refine((c) => c.rolloutPercent + c.controlPercent <= 100, {
    error: 'rolloutPercent and controlPercent add up to at most 100',
    path: ['controlPercent'],
  });
export type CohortRules = z.output<typeof CohortRules>;

export const PilotInput = z
  .object({
    code: Slug,
    name: z
      .string()
      .trim()
      .min(1, { error: 'must not be blank' })
      .max(120, { error: 'has at most 120 characters' }),
    channel: Slug,
    /** The channel's touchpoints the pilot offers (an Alexa skill, a consultation room). */
    touchpoints: once(Slug).min(1, { error: 'name at least one touchpoint' }),
    /** The contact reasons the channel serves in this pilot. */
    reasons: once(Slug).min(1, { error: 'name at least one contact reason' }),
    /** At most one objective per metric, its threshold on the metric's scale (objectiveScales). */
    objectives: z.array(Objective).max(20).superRefine(checkObjectives).default([]),
    startsOn: IsoDate,
    endsOn: IsoDate,
    cohort: CohortRules.default({ segments: [], customerIds: [], rolloutPercent: 0, controlPercent: 0 }),
    /** Customers outside the cohort may use the channel too (the control group never may). */
    openToEveryone: z.boolean().default(false),
    /** Ask one closing NPS question at the end of a conversation. */
    closingSurvey: z.boolean().default(false),
    /** A contact's follow-ups: contacts for the same reason within this many days. */
    withinDays: aNumber
      .int({ error: 'is a whole number of days' })
      .min(1, { error: 'is 1 to 90 days' })
      .max(90, { error: 'is 1 to 90 days' })
      .default(7),
    /** Share of the advisors' working hours given to the pilot channel (staffed channels). */
    advisorShare: aNumber
      .gt(0, { error: 'is a share above 0, at most 1 (0.5 for half the hours)' })
      .max(1, { error: 'is a share above 0, at most 1 (0.5 for half the hours)' })
      .default(1),
  })
  .refine((p) => p.endsOn >= p.startsOn, { error: 'must not be before startsOn', path: ['endsOn'] });
export type PilotInput = z.input<typeof PilotInput>;

export interface Pilot extends z.output<typeof PilotInput> {
  id: string;
  status: PilotStatus;
  createdAt: Date;
  updatedAt: Date;
}

export type Arm = 'pilot' | 'control';

export interface Enrolment {
  pilotId: string;
  customerId: string;
  arm: Arm;
  via: 'explicit' | 'rollout';
  enrolledAt: Date;
  /** When an invitation was queued for the customer (never, without a consented medium). */
  invitedAt: Date | null;
}

export interface PilotRating {
  criterion: string;
  rating: number;
  note: string;
  ratedBy: string | null;
  ratedAt: Date;
}

/** Port: pilots, their cohorts and the ratings their managers give. */
export interface PilotStore {
  create(input: z.output<typeof PilotInput>, at: Date): Promise<Pilot>;
  /** Replaces the definition; the status and the enrolments stay. */
  update(id: string, input: z.output<typeof PilotInput>, at: Date): Promise<Pilot>;
  setStatus(id: string, from: PilotStatus, to: PilotStatus, at: Date): Promise<Pilot>;
  pilot(idOrCode: string): Promise<Pilot | undefined>;
  pilots(): Promise<Pilot[]>;
  /** The pilot running or paused on a channel, with the customer's enrolment in it. */
  liveOn(
    channel: string,
    customerId: string,
  ): Promise<{ pilot: Pilot; enrolment: Enrolment | undefined } | undefined>;
  /** Enrols every customer the cohort rules draw who is not enrolled yet; returns how many it enrolled. */
  enrol(pilot: Pilot, at: Date): Promise<number>;
  /** Pilot-arm customers the invitation sweep has not dealt with yet, in id order. */
  uninvited(pilotId: string, limit: number): Promise<string[]>;
  /** Records who was sent an invitation and who could not be (no consented medium). */
  markInvited(
    pilotId: string,
    tried: { messaged: readonly string[]; unreachable: readonly string[] },
    at: Date,
  ): Promise<void>;
  cohortSize(pilotId: string): Promise<{ pilot: number; control: number; explicit: number; invited: number }>;
  rate(pilotId: string, rating: PilotRating): Promise<void>;
  ratings(pilotId: string): Promise<PilotRating[]>;
}

/** Buckets of the sticky draw: a customer's bucket never changes, so raising the percentage only adds. */
export const DRAW_BUCKETS = 10_000;

/**
 * The customer's bucket in a pilot's draw (0–9999): the first 32 bits of md5("pilotId:customerId")
 * modulo 10,000. Storage computes the same in SQL; this is the reference.
 */
export function drawBucket(pilotId: string, customerId: string): number {
  const digest = createHash('md5').update(`${pilotId}:${customerId}`).digest();
  return digest.readUInt32BE(0) % DRAW_BUCKETS;
}

/** The arm the draw puts a bucket in: the lowest buckets go to the pilot, the highest to control. */
export function drawnArm(
  bucket: number,
  cohort: { rolloutPercent: number; controlPercent: number },
): Arm | null {
  if (bucket < Math.round(cohort.rolloutPercent * 100)) return 'pilot';
  if (bucket >= DRAW_BUCKETS - Math.round(cohort.controlPercent * 100)) return 'control';
  return null;
}

function segmentsCount(): number {
  return Segment.options.length;
}
