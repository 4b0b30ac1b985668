import { DateTime } from 'luxon';
import { z } from 'zod';
import type { Advisor, Appointment, WorkingHours } from './advisors.ts';
import { Instant, IsoDate, Locale, Slug, Uuid } from './vocabulary.ts';

/** How consultations are offered. Every figure is in minutes unless its name says otherwise. */
export const BookingRules = z.object({
  /** Length of one consultation. */
  slotMinutes: z.number().int().min(5).max(240).default(30),
  /** Kept free before and after each consultation (preparation, notes). */
  bufferBeforeMinutes: z.number().int().min(0).max(120).default(5),
  bufferAfterMinutes: z.number().int().min(0).max(120).default(10),
  /** A slot must start at least this long after the moment of booking. */
  minimumNoticeMinutes: z
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 60)
    .default(120),
  /** At most this many consultations per advisor per day (in the advisor's time zone). */
  dailyCapPerAdvisor: z.number().int().min(1).max(50).default(8),
  /** Slots are offered up to this many days ahead. */
  horizonDays: z.number().int().min(1).max(365).default(30),
  /** A customer holds at most this many upcoming consultations (a leaked link cannot fill calendars). */
  maxUpcomingPerCustomer: z.number().int().min(1).max(20).default(2),
});
export type BookingRules = z.infer<typeof BookingRules>;

/** A day on which an advisor works other hours than usual; no hours means not working. */
export const AdvisorOverrideInput = z.object({
  advisorId: Uuid,
  day: IsoDate,
  hours: z
    .array(
      z
        .object({
          start: z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, { error: 'must be a time like 09:30' }),
          end: z
            .string()
            .regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$/, { error: 'must be a time like 17:30' }),
        })
        .refine((h) => h.start < h.end, { error: 'must end after it starts', path: ['end'] }),
    )
    .default([]),
  reason: z.string().trim().max(200).nullable().default(null),
});
export type AdvisorOverrideInput = z.input<typeof AdvisorOverrideInput>;
export type AdvisorOverride = z.infer<typeof AdvisorOverrideInput> & { id: string };

export const SlotQuery = z
  .object({
    topic: Slug,
    locale: Locale,
    from: Instant,
    to: Instant,
    /**
     * The appointment the times are for when it is being moved: its own time is free to it, and it
     * does not count in its advisor's daily cap (as when the move is made).
     */
    moving: Uuid.optional(),
  })
  .refine((q) => q.from < q.to, { error: 'must be after from', path: ['to'] });
export type SlotQuery = z.input<typeof SlotQuery>;

export const BookingRequest = z.object({
  customerId: Uuid,
  topic: Slug,
  locale: Locale,
  startsAt: Instant,
  /** The channel the booking is made on (web, voice_assistant, call_centre…). */
  bookedVia: Slug,
  journeyId: Uuid.nullable().default(null),
});
export type BookingRequest = z.input<typeof BookingRequest>;

export interface Slot {
  startsAt: Date;
  endsAt: Date;
  /** Advisors free for it, in the order the assignment rule would pick them. */
  advisorIds: string[];
}

/** An appointment as the booking rules see it: who it keeps busy, and when. */
export interface BusyPeriod {
  appointmentId: string;
  advisorId: string;
  /** Start and end of the advisor's blocked time, buffers included. */
  blockedFrom: Date;
  blockedUntil: Date;
  startsAt: Date;
  createdAt: Date;
}

/**
 * Port: the appointment book. Writes are atomic and guarded by the database, so that a slot
 * can never be booked twice whatever runs concurrently.
 */
export interface AppointmentBook {
  addOverride(input: AdvisorOverrideInput): Promise<AdvisorOverride>;
  overrides(advisorIds: string[], fromDay: string, toDay: string): Promise<AdvisorOverride[]>;
  /** Appointments still holding time (booked or in progress) overlapping [from, to). */
  busy(advisorIds: string[], from: Date, to: Date): Promise<BusyPeriod[]>;
  /**
   * Books when the advisor is free for `blocked` and has fewer than `dailyCap` consultations in
   * `day` (the advisor's local day), and the customer holds fewer than `upcoming.max` booked
   * consultations after `upcoming.now`; otherwise fails with `conflict` (with an issue on
   * `customerId` when the customer is the reason).
   */
  book(input: {
    appointment: Omit<Appointment, 'id' | 'status' | 'cancelReason' | 'createdAt'>;
    blocked: { from: Date; until: Date };
    day: { from: Date; until: Date; dailyCap: number };
    upcoming: { now: Date; max: number };
  }): Promise<Appointment>;
  /**
   * Moves a booked appointment (possibly to another advisor), under the same guards; `moved` is
   * false when it already was with that advisor at that time (nothing changes).
   */
  move(
    id: string,
    input: {
      advisorId: string;
      startsAt: Date;
      endsAt: Date;
      blocked: { from: Date; until: Date };
      day: { from: Date; until: Date; dailyCap: number };
    },
  ): Promise<Moved>;
  cancel(id: string, reason: string): Promise<Appointment>;
  appointment(id: string): Promise<Appointment | undefined>;
  /**
   * Puts an appointment that has no journey in `journeyId` (the journey of the contact that booked
   * it, once that is placed); one that has a journey keeps it. Undefined for an unknown appointment.
   */
  joinJourney(id: string, journeyId: string): Promise<Appointment | undefined>;
}

/** An appointment after a move, and whether it changed: a move to where it is changes nothing. */
export interface Moved {
  appointment: Appointment;
  moved: boolean;
}

/** The slots an advisor works on one local day, before anything is booked. */
export function workingSlots(
  advisor: Pick<Advisor, 'timeZone' | 'workingHours'>,
  day: string,
  rules: BookingRules,
  override?: Pick<AdvisorOverride, 'hours'>,
): { startsAt: Date; endsAt: Date }[] {
  const date = DateTime.fromISO(day, { zone: advisor.timeZone });
  const hours: Pick<WorkingHours, 'start' | 'end'>[] = override
    ? override.hours
    : advisor.workingHours.filter((h) => h.weekday === date.weekday);
  const step = rules.bufferBeforeMinutes + rules.slotMinutes + rules.bufferAfterMinutes;
  const slots: { startsAt: Date; endsAt: Date }[] = [];
  const stepMs = step * 60_000;
  const beforeMs = rules.bufferBeforeMinutes * 60_000;
  const slotMs = rules.slotMinutes * 60_000;
  for (const stretch of hours) {
    // Wall-clock times in the advisor's zone: Luxon moves a time that does not exist on a
    // spring-forward day past the gap, and an autumn day simply has one more hour of clock.
    // Between them, time is counted in real minutes.
    const open = atLocal(day, stretch.start, advisor.timeZone).toMillis();
    const close = atLocal(day, stretch.end, advisor.timeZone).toMillis();
    for (let blockStart = open; blockStart + stepMs <= close; blockStart += stepMs) {
      slots.push({
        startsAt: new Date(blockStart + beforeMs),
        endsAt: new Date(blockStart + beforeMs + slotMs),
      });
    }
  }
  return slots;
}

function atLocal(day: string, time: string, zone: string): DateTime {
  if (time === '24:00') return DateTime.fromISO(day, { zone }).plus({ days: 1 }).startOf('day');
  return DateTime.fromISO(`${day}T${time}`, { zone });
}

/** The advisor's blocked time for a consultation: the consultation plus its buffers. */
export function blockedTime(startsAt: Date, endsAt: Date, rules: BookingRules): { from: Date; until: Date } {
  return {
    from: new Date(startsAt.getTime() - rules.bufferBeforeMinutes * 60_000),
    until: new Date(endsAt.getTime() + rules.bufferAfterMinutes * 60_000),
  };
}

/** The advisor's local calendar day that contains `at`, as an instant range. */
export function localDay(at: Date, zone: string): { day: string; from: Date; until: Date } {
  const start = DateTime.fromJSDate(at, { zone }).startOf('day');
  return {
    day: start.toISODate() as string,
    from: start.toJSDate(),
    until: start.plus({ days: 1 }).toJSDate(),
  };
}

/**
 * Orders the advisors free for a slot: the least loaded that day first; between equals, the one
 * whose last booking was made longest ago (so that ties rotate), then by id for a stable order.
 */
export function rankAdvisors(
  candidates: string[],
  loadThatDay: (advisorId: string) => number,
  lastBookedAt: (advisorId: string) => number,
): string[] {
  return [...candidates].sort(
    (a, b) => loadThatDay(a) - loadThatDay(b) || lastBookedAt(a) - lastBookedAt(b) || a.localeCompare(b),
  );
}
