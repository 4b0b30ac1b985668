import { DateTime } from 'luxon';
import { createEvent } from 'ics';
import type { AdvisorRoster, Appointment } from './advisors.ts';
import type { CustomerDirectory } from './customers.ts';
import { ChannelPilotError } from './errors.ts';
import { messageAddress, type NewMessage, type Outbox, type QueuedMessage } from './notifications.ts';
import { REFERENCE_ZONE, type Clock } from './clock.ts';
import type { Locale } from './vocabulary.ts';

export interface AppointmentUrls {
  join: string;
  reschedule: string;
  cancel: string;
}

type Kind = 'confirmation' | 'reminder_24h' | 'reminder_15m' | 'rescheduled' | 'cancelled';
type Fill = { name: string; advisor: string; when: string; time: string } & AppointmentUrls;

const catalog: Record<
  Locale,
  Record<Kind, { subject: string; email: (f: Fill) => string; sms: (f: Fill) => string }>
> = {
  'it-IT': {
    confirmation: {
      subject: 'Consulenza video confermata',
      email: (f) =>
        `Gentile ${f.name},\n\nla sua consulenza video con ${f.advisor} è fissata per ${f.when}.\n\n` +
        `Per collegarsi: ${f.join}\nPer spostarla: ${f.reschedule}\nPer annullarla: ${f.cancel}\n`,
      sms: (f) =>
        `Consulenza video confermata: ${f.when}\nEntra: ${f.join}\nSposta: ${f.reschedule}\nAnnulla: ${f.cancel}`,
    },
    reminder_24h: {
      subject: 'Promemoria: consulenza video di domani',
      email: (f) =>
        `Gentile ${f.name},\n\nle ricordiamo la consulenza video di ${f.when}.\n\nPer collegarsi: ${f.join}\nPer spostarla: ${f.reschedule}\n`,
      sms: (f) => `Promemoria: consulenza video ${f.when}\nEntra: ${f.join}\nSposta: ${f.reschedule}`,
    },
    reminder_15m: {
      subject: 'La sua consulenza video inizia tra 15 minuti',
      email: (f) =>
        `Gentile ${f.name},\n\nalle ${f.time} inizia la sua consulenza video con ${f.advisor}.\n\nSi colleghi qui: ${f.join}\n`,
      sms: (f) => `Alle ${f.time} inizia la sua consulenza video: ${f.join}`,
    },
    rescheduled: {
      subject: 'Consulenza video spostata',
      email: (f) =>
        `Gentile ${f.name},\n\nla sua consulenza video è stata spostata a ${f.when}, con ${f.advisor}.\n\n` +
        `Per collegarsi: ${f.join}\nPer spostarla: ${f.reschedule}\nPer annullarla: ${f.cancel}\n`,
      sms: (f) =>
        `Consulenza video spostata a ${f.when} con ${f.advisor}\nEntra: ${f.join}\nSposta: ${f.reschedule}\nAnnulla: ${f.cancel}`,
    },
    cancelled: {
      subject: 'Consulenza video annullata',
      email: (f) => `Gentile ${f.name},\n\nla consulenza video di ${f.when} è stata annullata.\n`,
      sms: (f) => `La consulenza video di ${f.when} è stata annullata.`,
    },
  },
  'en-US': {
    confirmation: {
      subject: 'Video consultation confirmed',
      email: (f) =>
        `Dear ${f.name},\n\nyour video consultation with ${f.advisor} is booked for ${f.when}.\n\n` +
        `Join: ${f.join}\nReschedule: ${f.reschedule}\nCancel: ${f.cancel}\n`,
      sms: (f) =>
        `Video consultation booked: ${f.when}\nJoin: ${f.join}\nReschedule: ${f.reschedule}\nCancel: ${f.cancel}`,
    },
    reminder_24h: {
      subject: 'Reminder: your video consultation tomorrow',
      email: (f) =>
        `Dear ${f.name},\n\na reminder of your video consultation on ${f.when}.\n\nJoin: ${f.join}\nReschedule: ${f.reschedule}\n`,
      sms: (f) => `Reminder: video consultation ${f.when}\nJoin: ${f.join}\nReschedule: ${f.reschedule}`,
    },
    reminder_15m: {
      subject: 'Your video consultation starts in 15 minutes',
      email: (f) =>
        `Dear ${f.name},\n\nyour video consultation with ${f.advisor} starts at ${f.time}.\n\nJoin here: ${f.join}\n`,
      sms: (f) => `Your video consultation starts at ${f.time}: ${f.join}`,
    },
    rescheduled: {
      subject: 'Video consultation moved',
      email: (f) =>
        `Dear ${f.name},\n\nyour video consultation has moved to ${f.when}, with ${f.advisor}.\n\n` +
        `Join: ${f.join}\nReschedule: ${f.reschedule}\nCancel: ${f.cancel}\n`,
      sms: (f) =>
        `Video consultation moved to ${f.when} with ${f.advisor}\nJoin: ${f.join}\nReschedule: ${f.reschedule}\nCancel: ${f.cancel}`,
    },
    cancelled: {
      subject: 'Video consultation cancelled',
      email: (f) => `Dear ${f.name},\n\nyour video consultation on ${f.when} has been cancelled.\n`,
      sms: (f) => `Your video consultation on ${f.when} has been cancelled.`,
    },
  },
};

const REMINDERS: { kind: Kind; beforeMs: number }[] = [
  { kind: 'reminder_24h', beforeMs: 24 * 3_600_000 },
  { kind: 'reminder_15m', beforeMs: 15 * 60_000 },
];

/**
 * Queues what a customer is told about their consultation — confirmation, reminders, moves,
 * cancellation — on their preferred medium among those they consented to (e-mail with a
 * calendar invite, or SMS). The SMS carries the links its e-mail carries (join, and to move and
 * cancel where the e-mail has them) under one-word labels and little else: the links make most of
 * its length (a confirmation is three parts of a long SMS with a short public address). Nothing
 * is queued when no medium is allowed.
 */
export function createAppointmentNotices(options: {
  customers: CustomerDirectory;
  advisors: AdvisorRoster;
  outbox: Outbox;
  urls: (appointment: Appointment) => AppointmentUrls;
  clock: Clock;
}) {
  const { customers, advisors, outbox, clock } = options;

  /**
   * Queues `notice`, due the moment it is queued, and with `reminders` those still ahead. The
   * clock is read once: the notice is due now whatever time passed since the change was made.
   */
  async function queue(
    appointment: Appointment,
    notice: Kind,
    reminders: boolean,
  ): Promise<QueuedMessage | null> {
    const address = await messageAddress(customers, appointment.customerId);
    if (!address) return null;
    const { customer, medium, recipient } = address;
    const advisor = await advisors.advisor(appointment.advisorId);
    const start = DateTime.fromJSDate(appointment.startsAt, { zone: REFERENCE_ZONE }).setLocale(
      appointment.locale,
    );
    const fill: Fill = {
      name: `${customer.firstName} ${customer.lastName}`,
      advisor: advisor?.name ?? '',
      // With the zone: an en-US customer must not read Rome's time as their own.
      when: start.toLocaleString({ ...DateTime.DATETIME_MED_WITH_WEEKDAY, timeZoneName: 'short' }),
      time: start.toLocaleString({ ...DateTime.TIME_SIMPLE, timeZoneName: 'short' }),
      ...options.urls(appointment),
    };
    const now = clock.now();
    const due = [
      { kind: notice, at: now },
      ...(reminders ? REMINDERS : [])
        .map(({ kind, beforeMs }) => ({ kind, at: new Date(appointment.startsAt.getTime() - beforeMs) }))
        .filter(({ at }) => at > now),
    ];
    const messages: NewMessage[] = due.map(({ kind, at }) => {
      const text = catalog[appointment.locale][kind];
      return {
        // One message per kind and start time; every move is news of its own.
        dedupeKey: `${appointment.id}:${kind}:${appointment.startsAt.toISOString()}${kind === 'rescheduled' ? `:${now.toISOString()}` : ''}`,
        customerId: customer.id,
        appointmentId: appointment.id,
        kind,
        medium,
        recipient,
        subject: medium === 'email' ? text.subject : null,
        body: medium === 'email' ? text.email(fill) : text.sms(fill),
        attachments:
          medium === 'email'
            ? [invite(appointment, text.subject, fill, { revision: now, cancelled: kind === 'cancelled' })]
            : [],
        sendAfter: at,
      };
    });
    await outbox.enqueue(messages);
    // The notice's own row, as stored: the reminders are not what the customer is told now.
    const row = await outbox.queued(messages[0]!.dedupeKey);
    if (!row)
      throw new ChannelPilotError(
        'internal',
        `the ${notice} of appointment ${appointment.id} is not in the outbox`,
      );
    return { medium: row.medium, recipient: row.recipient, messageId: row.id };
  }

  return {
    /** Each returns the notice as queued, or null when the customer may not be contacted. */
    booked: (a: Appointment) => queue(a, 'confirmation', true),
    async moved(a: Appointment) {
      await outbox.cancelPending(a.id);
      return queue(a, 'rescheduled', true);
    },
    async cancelled(a: Appointment) {
      await outbox.cancelPending(a.id);
      return queue(a, 'cancelled', false);
    },
  };
}

export type AppointmentNotices = ReturnType<typeof createAppointmentNotices>;

/**
 * The consultation as a calendar event: one event per consultation (its id), whose revision is
 * the moment of the change that queued the message, so that a calendar takes a move (even to an
 * earlier time) or a cancellation over what it holds, and a reminder changes nothing.
 */
function invite(
  appointment: Appointment,
  title: string,
  fill: Fill,
  change: { revision: Date; cancelled: boolean },
) {
  const at = (d: Date) => d.getTime();
  const method = change.cancelled ? 'CANCEL' : 'PUBLISH';
  const { error, value } = createEvent({
    uid: `${appointment.id}@channel-pilot`,
    start: at(appointment.startsAt),
    end: at(appointment.endsAt),
    startInputType: 'utc',
    startOutputType: 'utc',
    endInputType: 'utc',
    endOutputType: 'utc',
    title,
    description: `${fill.advisor}\n${fill.join}`,
    url: fill.join,
    status: change.cancelled ? 'CANCELLED' : 'CONFIRMED',
    method,
    // Seconds since 2020: it grows with every change and fits the 32-bit number calendars read.
    sequence: Math.floor((change.revision.getTime() - Date.UTC(2020, 0, 1)) / 1000),
  });
  if (error || !value) throw error ?? new Error('could not build the calendar invite');
  return {
    filename: 'consultation.ics',
    contentType: `text/calendar; charset=utf-8; method=${method}`,
    content: value,
  };
}
