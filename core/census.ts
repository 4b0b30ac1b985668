import { DateTime } from 'luxon';
import { z } from 'zod';
import { REFERENCE_ZONE } from './clock.ts';
import type { LiveChatFigures } from './live-chat-figures.ts';
import { invalidInput } from './errors.ts';
import { unknownReasons, type ReasonCatalogue } from './reasons.ts';
import { IsoDate, Segment, Slug } from './vocabulary.ts';

/**
 * What a census looks at: contacts that started on the days `from`–`to` (both included, in
 * the reference zone), optionally of one customer segment and one contact reason.
 */
export const CensusFilterFields = z.object({
  from: IsoDate,
  to: IsoDate,
  segment: Segment.optional(),
  reason: Slug.optional(),
  /** A contact's next contact (same customer, same reason) counts as a transition within this many days. */
  // Bounds first, each the one thing said: a huge number is over 30, not also past the safe integers.
  withinDays: z.coerce.number().max(30, { abort: true }).min(1, { abort: true }).int().default(7),
});
// The range is checked once both days are dates: a day that is none is the one thing to correct.
const datesRead = { when: (payload: { issues: readonly unknown[] }) => payload.issues.length === 0 };
export const CensusFilter = CensusFilterFields.refine((f) => f.to >= f.from, {
  error: 'must not be before from',
  path: ['to'],
  ...datesRead,
}).refine((f) => daysBetween(f.from, f.to) <= 731, {
  error: 'covers at most two years',
  path: ['to'],
  ...datesRead,
});
export type CensusFilter = z.output<typeof CensusFilter>;

/**
 * Refuses a filter on a reason the catalogue does not hold: its census would count nothing and
 * look like a real answer.
 */
export async function checkCensusReason(
  filter: Pick<CensusFilter, 'reason'>,
  catalogue: Pick<ReasonCatalogue, 'reasons'>,
): Promise<void> {
  if (filter.reason === undefined) return;
  const issues = await unknownReasons([filter.reason], catalogue, 'reason', true);
  if (issues.length > 0) {
    throw invalidInput(
      `invalid census filter: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`,
      issues,
    );
  }
}

/** Journey steps from this one on are counted together ("4+"). */
export const LAST_STEP_BUCKET = 4;

/**
 * The census of the channels: when (hour × weekday), why (reason), how much (contacts,
 * customers, handle time) and which role each channel plays in journeys. A contact is a row of
 * the interaction log that settled something: conversational turns marked `continued` are
 * settled by a later turn of the same conversation and are not counted again.
 */
export interface Census {
  filter: CensusFilter;
  totals: {
    contacts: number;
    /** Distinct known customers among the contacts. */
    customers: number;
    /** Contacts whose customer is unknown (an anonymous call, a walk-in). */
    anonymousContacts: number;
  };
  /**
   * How the customer counts were made: exactly, or — once a day and channel has more than 1,024
   * customers — estimated (HyperLogLog) with this relative standard error.
   */
  reach: { exact: boolean; relativeStandardError: number };
  channels: {
    channel: string;
    contacts: number;
    customers: number;
    /** Contacts with an end time, over which the handle time is averaged. */
    timedContacts: number;
    averageHandleSeconds: number | null;
  }[];
  /** Weekday 1 = Monday … 7 = Sunday and hour 0–23 in the reference zone. Only non-empty cells. */
  heatmap: { channel: string; weekday: number; hour: number; contacts: number }[];
  reasons: { channel: string; reason: string; contacts: number }[];
  /** `week`: the Monday (reference zone) the week starts on. */
  weekly: { week: string; channel: string; contacts: number }[];
  /**
   * For each contact of a known customer, the channel of that customer's next contact for the
   * same reason within `withinDays` (`to` null: none). The next contact may fall after `filter.to`.
   */
  transitions: { from: string; to: string | null; contacts: number }[];
  /**
   * Contacts by the step of their journey they were: 1 for the journey's first contact, 2 for its
   * second…, counting only contacts (a conversation's `continued` turns take no step here); steps
   * ≥ LAST_STEP_BUCKET counted as that one.
   */
  steps: { step: number; channel: string; contacts: number }[];
  /** The live chat's own figures (containment, queue, handle time, CSAT); null: no chat in the period. */
  liveChat: LiveChatFigures | null;
}

/** Port: computes a census from the interaction log (from rollups the log keeps current). */
export interface CensusSource {
  compute(filter: CensusFilter): Promise<Census>;
  /** The census's `reasons` alone, as `compute` gives them, without reading the rest. */
  reasons(filter: CensusFilter): Promise<Census['reasons']>;
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/**
 * The period a census covers when none is given: the last 12 full weeks (84 days) ending
 * yesterday in the reference zone.
 */
export function defaultCensusRange(now: Date): { from: string; to: string } {
  const yesterday = DateTime.fromJSDate(now, { zone: REFERENCE_ZONE }).startOf('day').minus({ days: 1 });
  return { from: yesterday.minus({ days: 83 }).toISODate() as string, to: yesterday.toISODate() as string };
}

/**
 * Contacts per customer: the contacts of known customers over the distinct known customers
 * (anonymous contacts have no customer to count them for), of every channel or of one; null
 * without customers. A channel's contacts of known customers are those its transitions start
 * from: each has one, to the customer's next channel or to none.
 */
export function contactsPerCustomer(
  census: Pick<Census, 'totals' | 'channels' | 'transitions'>,
  channel?: string,
): number | null {
  if (channel === undefined) {
    const { contacts, customers, anonymousContacts } = census.totals;
    return customers > 0 ? (contacts - anonymousContacts) / customers : null;
  }
  const customers = census.channels.find((c) => c.channel === channel)?.customers ?? 0;
  if (customers <= 0) return null;
  return census.transitions.reduce((n, t) => (t.from === channel ? n + t.contacts : n), 0) / customers;
}
