import { DateTime } from 'luxon';
import { servedTopics, type Appointment } from './advisors.ts';
import type { Slot } from './booking.ts';
import type { BookingService } from './booking-service.ts';
import { REFERENCE_ZONE, type Clock } from './clock.ts';
import type { ConsultationDesk, DeskChange } from './consultation-desk.ts';
import type { Customer } from './customers.ts';
import { ChannelPilotError, notFound } from './errors.ts';
import { messageAddress, type QueuedMessage } from './notifications.ts';
import type { LinkAction, SignedLinks } from './signed-links.ts';
import type { Stores } from './storage/postgres-stores.ts';
import type { Locale } from './vocabulary.ts';

/** What the holder of a booking link asks to book: a topic the advisors serve and a free slot. */
export interface LinkBooking {
  topic: string;
  startsAt: Date;
}

/** The message that carried a booking link: queued in the outbox on the customer's medium. */
/**
 * What a customer does through the links of their messages, with no account: book with a
 * booking link (its subject is the customer), move or cancel with the appointment's links. Each
 * call checks its link (`unauthenticated` for a forged, misused or expired one; `not_found` when
 * its subject is gone), and each change is a step of the customer's journey.
 */
export interface ConsultationLinks {
  customerOf(token: string): Promise<Customer>;
  appointmentOf(token: string, action: 'reschedule' | 'cancel'): Promise<Appointment>;
  /** The topics the advisors serve in a language, sorted. */
  topics(locale: Locale): Promise<string[]>;
  /** Free slots of a topic in the language of the booking link's customer. */
  slots(token: string, query: { topic: string; from: Date; to: Date }): Promise<Slot[]>;
  book(token: string, booking: LinkBooking): Promise<DeskChange>;
  reschedule(token: string, startsAt: Date): Promise<DeskChange>;
  cancel(token: string, reason: string): Promise<DeskChange>;
  /**
   * Sends a booking link's address to its customer on the medium the appointment notices would
   * use; null when the customer may be messaged on no e-mail or SMS (nothing is queued then).
   */
  sendBookingLink(customerId: string, link: { url: string; expiresAt: Date }): Promise<QueuedMessage | null>;
}

const bookingLinkTexts: Record<
  Locale,
  {
    subject: string;
    email: (name: string, url: string, until: string) => string;
    sms: (url: string, until: string) => string;
  }
> = {
  'it-IT': {
    subject: 'Prenoti la sua consulenza video',
    email: (name, url, until) =>
      `Gentile ${name},\n\npuò prenotare una consulenza video con un nostro consulente, scegliendo ` +
      `l'argomento e l'orario che preferisce: ${url}\n\nIl link vale fino a ${until}.\n`,
    sms: (url, until) => `Prenoti la sua consulenza video qui: ${url} (valido fino a ${until})`,
  },
  'en-US': {
    subject: 'Book your video consultation',
    email: (name, url, until) =>
      `Dear ${name},\n\nyou can book a video consultation with one of our advisors, choosing the ` +
      `topic and the time that suit you: ${url}\n\nThe link works until ${until}.\n`,
    sms: (url, until) => `Book your video consultation here: ${url} (valid until ${until})`,
  },
};

export function createConsultationLinks(deps: {
  links: SignedLinks;
  desk: ConsultationDesk;
  booking: Pick<BookingService, 'slots'>;
  stores: Pick<Stores, 'appointments' | 'advisors' | 'customers' | 'interactions' | 'outbox'>;
  clock: Clock;
  /** Told when recording a customer's step fails: the change itself stands. */
  onFollowUpError: (error: unknown, appointment: Appointment) => void;
}): ConsultationLinks {
  const { links, desk, stores, clock } = deps;
  const subjectOf = (token: string, action: LinkAction) => links.verify(token, action, clock.now()).subject;

  async function customerOf(token: string) {
    const id = subjectOf(token, 'book');
    const customer = await stores.customers.get(id);
    if (!customer) throw notFound('customer', id);
    return customer;
  }

  async function appointmentOf(token: string, action: 'reschedule' | 'cancel') {
    const id = subjectOf(token, action);
    const appointment = await stores.appointments.appointment(id);
    if (!appointment) throw notFound('appointment', id);
    return appointment;
  }

  /**
   * A customer's own change through a link is also a step of their journey. The change stands
   * even when recording it fails: the caller must not retry what is stored.
   */
  async function viaLink(change: DeskChange, action: LinkAction): Promise<DeskChange> {
    const { appointment } = change;
    try {
      await stores.interactions.record({
        customerId: appointment.customerId,
        channel: 'web',
        touchpoint: 'self_service',
        direction: 'inbound',
        reason: 'video_consultation',
        startedAt: clock.now(),
        endedAt: clock.now(),
        outcome: 'resolved',
        details: { action, appointmentId: appointment.id },
      });
    } catch (error) {
      deps.onFollowUpError(error, appointment);
    }
    return change;
  }

  return {
    customerOf,
    appointmentOf,

    async topics(locale) {
      return servedTopics(await stores.advisors.advisors(), locale);
    },

    async slots(token, query) {
      const customer = await customerOf(token);
      return deps.booking.slots({ ...query, locale: customer.locale });
    },

    async book(token, { topic, startsAt }) {
      const customer = await customerOf(token);
      const change = await desk.book({
        customerId: customer.id,
        topic,
        startsAt,
        locale: customer.locale,
        bookedVia: 'web',
      });
      return viaLink(change, 'book');
    },

    async reschedule(token, startsAt) {
      const current = await appointmentOf(token, 'reschedule');
      return viaLink(await desk.reschedule(current.id, startsAt), 'reschedule');
    },

    async cancel(token, reason) {
      const current = await appointmentOf(token, 'cancel');
      return viaLink(await desk.cancel(current.id, reason), 'cancel');
    },

    async sendBookingLink(customerId, link) {
      const address = await messageAddress(stores.customers, customerId);
      if (!address) return null;
      const { customer, medium, recipient } = address;
      const text = bookingLinkTexts[customer.locale];
      const until = DateTime.fromJSDate(link.expiresAt, { zone: REFERENCE_ZONE })
        .setLocale(customer.locale)
        .toLocaleString({ ...DateTime.DATETIME_MED, timeZoneName: 'short' });
      // One message per link: the same link sent again is the message already queued.
      const dedupeKey = `booking-link:${customerId}:${link.expiresAt.toISOString()}`;
      await stores.outbox.enqueue([
        {
          dedupeKey,
          customerId,
          appointmentId: null,
          kind: 'booking_link',
          medium,
          recipient,
          subject: medium === 'email' ? text.subject : null,
          body:
            medium === 'email'
              ? text.email(`${customer.firstName} ${customer.lastName}`, link.url, until)
              : text.sms(link.url, until),
          attachments: [],
          sendAfter: clock.now(),
        },
      ]);
      const row = await stores.outbox.queued(dedupeKey);
      if (!row) throw new ChannelPilotError('internal', `the message ${dedupeKey} is not in the outbox`);
      return { medium: row.medium, recipient: row.recipient, messageId: row.id };
    },
  };
}
