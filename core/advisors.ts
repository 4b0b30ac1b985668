import { z } from 'zod';
import { Instant, Locale, namedTopics, Slug, Uuid } from './vocabulary.ts';

const Clock = z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, { error: 'must be a time like 09:30' });

/** One stretch of a weekday, in the advisor's own time zone (1 = Monday … 7 = Sunday). */
export const WorkingHours = z
  .object({ weekday: z.number().int().min(1).max(7), start: Clock, end: Clock })
  .refine((h) => h.start < h.end, { error: 'must end after it starts', path: ['end'] });
export type WorkingHours = z.infer<typeof WorkingHours>;

export const AdvisorInput = z.object({
  name: z.string().trim().min(1).max(120),
  email: z.email(),
  languages: z.array(Locale).min(1),
  topics: z.array(Slug).min(1),
  timeZone: z.string().refine((zone) => Intl.supportedValuesOf('timeZone').includes(zone) || zone === 'UTC', {
    error: 'must be an IANA time zone such as Europe/Rome',
  }),
  workingHours: z.array(WorkingHours).default([]),
  /** The staff login this advisor uses, when they have one. */
  staffUserId: Uuid.nullable().default(null),
});
export type AdvisorInput = z.input<typeof AdvisorInput>;
export type Advisor = z.infer<typeof AdvisorInput> & { id: string };

export const appointmentStatuses = ['booked', 'in_progress', 'completed', 'no_show', 'cancelled'] as const;
export type AppointmentStatus = (typeof appointmentStatuses)[number];

export const AppointmentInput = z
  .object({
    customerId: Uuid,
    advisorId: Uuid,
    topic: Slug,
    locale: Locale,
    startsAt: Instant,
    endsAt: Instant,
    /** The channel the booking was made on (web, voice_assistant, call_centre…). */
    bookedVia: Slug,
    journeyId: Uuid.nullable().default(null),
  })
  .refine((a) => a.startsAt < a.endsAt, { error: 'must end after it starts', path: ['endsAt'] });
export type AppointmentInput = z.input<typeof AppointmentInput>;

export interface Appointment extends z.infer<typeof AppointmentInput> {
  id: string;
  status: AppointmentStatus;
  cancelReason: string | null;
  createdAt: Date;
}

/** An appointment as a calendar shows it: with the names of whom it is with. */
export interface ScheduledAppointment extends Appointment {
  /** The customer's first and last name. */
  customerName: string;
  advisorName: string;
}

/** Port: advisors and the appointment records (the booking rules build on it). */
export interface AdvisorRoster {
  addAdvisor(input: AdvisorInput): Promise<Advisor>;
  advisor(id: string): Promise<Advisor | undefined>;
  advisors(): Promise<Advisor[]>;
  /** Replaces an advisor's weekly hours; fails with `not_found` for an unknown advisor. */
  setWorkingHours(advisorId: string, hours: WorkingHours[]): Promise<Advisor>;
  /** Ties an advisor to the staff login they use (null unties it). */
  setStaffUser(advisorId: string, staffUserId: string | null): Promise<Advisor>;
  addAppointment(input: AppointmentInput): Promise<Appointment>;
  /** A customer's appointments that have not ended yet, soonest first. */
  upcomingAppointments(customerId: string, now: Date): Promise<Appointment[]>;
  /**
   * Appointments (whatever their status) starting in [from, to), of the given advisors or of every
   * advisor when `advisorIds` is omitted, by start time.
   */
  schedule(query: { from: Date; to: Date; advisorIds?: readonly string[] }): Promise<ScheduledAppointment[]>;
}

/**
 * The topics the advisors hold consultations on (those speaking `locale`, when given), as they are
 * offered: the topics with names of their own first, in their order, then the others by name.
 */
export function servedTopics(
  advisors: readonly { topics: readonly string[]; languages: readonly string[] }[],
  locale?: string,
): string[] {
  const served = new Set(
    advisors.filter((a) => locale === undefined || a.languages.includes(locale)).flatMap((a) => a.topics),
  );
  return [
    ...namedTopics.filter((t) => served.has(t)),
    ...[...served].filter((t) => !namedTopics.includes(t)).sort(),
  ];
}
