import { z } from 'zod';
import type { AccountLinking } from './account-linking.ts';
import type { BillLinks, BillPage } from './bill-communications.ts';
import type { Appointment } from './advisors.ts';
import type { Slot } from './booking.ts';
import type { BookingService } from './booking-service.ts';
import type { Clock } from './clock.ts';
import { toldOn, type ConsultationDesk } from './consultation-desk.ts';
import type { CustomerDirectory } from './customers.ts';
import { ChannelPilotError, notFound } from './errors.ts';
import type { Interaction, InteractionLog } from './interactions.ts';
import type { MessageMedium } from './notifications.ts';
import { parseInput } from './validation.ts';
import { Instant } from './vocabulary.ts';

/** The source a switch to paperless made from a bill's page is recorded under, by communication (reserved). */
export const BILL_PAPERLESS_SOURCE = 'bill_paperless';

/** The topic a consultation booked from a bill's page is about. */
export const BILL_CONSULTATION_TOPIC = 'billing';

/** How far ahead the bill's page offers consultations, and how many of the first free slots. */
const BOOKING_DAYS = 14;
const SLOTS_SHOWN = 8;

/** What the page's booking form sends. */
export const BillBookingInput = z.object({ startsAt: Instant });

/** What the page's paperless form sends: an address when the customer has none on file. */
export const PaperlessInput = z.object({
  email: z.email({ error: 'must be an e-mail address' }).max(254).optional(),
});

export interface BillPageActions {
  /** The first free consultation slots about bills, in the customer's language. */
  slots(token: string): Promise<{ page: BillPage; slots: Slot[] }>;
  /**
   * Books a consultation in the bill's journey: the confirmation goes out as every booking's does.
   * `told` is the medium it was queued on (null: nothing was queued, the customer allows no
   * messages), and `joinUrl` the link that opens the consultation, for the page to show.
   */
  book(
    token: string,
    input: unknown,
  ): Promise<{ page: BillPage; appointment: Appointment; told: MessageMedium | null; joinUrl: string }>;
  /**
   * A code the customer says to the voice assistant to link it; also sent on their medium.
   * `conflict` for a customer with no e-mail or SMS to send it on (the page offers it to no one else).
   */
  linkingCode(
    token: string,
  ): Promise<{ page: BillPage; code: string; expiresAt: Date; medium: MessageMedium }>;
  /**
   * Switches the customer to paperless: e-mail consented (with the address given when none is on
   * file), post withdrawn, and the switch recorded once in the bill's journey: the communication's
   * digital switch.
   */
  paperless(
    token: string,
    input: unknown,
  ): Promise<{ page: BillPage; switched: Interaction | null; already: boolean }>;
}

export function createBillPageActions(deps: {
  billLinks: BillLinks;
  customers: CustomerDirectory;
  interactions: InteractionLog;
  booking: Pick<BookingService, 'slots'>;
  desk: Pick<ConsultationDesk, 'book'>;
  linking: Pick<AccountLinking, 'issueCode'>;
  /** The link that opens a consultation (its join page). */
  joinUrl: (appointment: Appointment) => string;
  clock: Clock;
}): BillPageActions {
  const { billLinks, customers, interactions, clock } = deps;

  return {
    async slots(token) {
      const page = await billLinks.open(token);
      const from = clock.now();
      const slots = await deps.booking.slots({
        topic: BILL_CONSULTATION_TOPIC,
        locale: page.locale,
        from,
        to: new Date(from.getTime() + BOOKING_DAYS * 86_400_000),
      });
      return { page, slots: slots.slice(0, SLOTS_SHOWN) };
    },

    async book(token, input) {
      const page = await billLinks.open(token);
      const { startsAt } = parseInput(BillBookingInput, input, 'booking');
      const booked = await deps.desk.book({
        customerId: page.communication.customerId,
        topic: BILL_CONSULTATION_TOPIC,
        locale: page.locale,
        startsAt,
        bookedVia: 'web',
        journeyId: page.opening.journeyId,
      });
      const { appointment } = booked;
      return { page, appointment, told: toldOn(booked), joinUrl: deps.joinUrl(appointment) };
    },

    async linkingCode(token) {
      const page = await billLinks.open(token);
      // Said to the holder of the bill's link: no id, nothing meant for staff.
      if (!page.messageMedium) {
        throw new ChannelPilotError(
          'conflict',
          'there is no e-mail address or mobile number to send a linking code to',
        );
      }
      const issued = await deps.linking.issueCode(page.communication.customerId);
      return { page, ...issued };
    },

    async paperless(token, input) {
      const page = await billLinks.open(token);
      const { email } = parseInput(PaperlessInput, input, 'paperless');
      const { communication } = page;
      const already = await interactions.fromSource(BILL_PAPERLESS_SOURCE, communication.id);
      if (already) return { page, switched: already, already: true };
      // Paperless since an earlier bill: that bill's communication made the switch.
      if (page.paperless) return { page, switched: null, already: true };
      const customer = await customers.get(communication.customerId);
      if (!customer) throw notFound('customer', communication.customerId);
      if (!customer.email && !email) {
        throw new ChannelPilotError('invalid_input', 'paperless bills need an e-mail address', {
          issues: [{ path: 'email', message: 'is required: no address is on file' }],
        });
      }
      if (!customer.email && email) await customers.update(customer.id, { email });
      const now = clock.now();
      await customers.recordConsent(customer.id, {
        purpose: 'contact',
        medium: 'email',
        granted: true,
        givenAt: now,
        source: 'web_form',
      });
      await customers.recordConsent(customer.id, {
        purpose: 'contact',
        medium: 'post',
        granted: false,
        givenAt: now,
        source: 'web_form',
      });
      try {
        const switched = await interactions.record({
          customerId: customer.id,
          channel: 'web',
          touchpoint: 'bill_page',
          direction: 'inbound',
          reason: 'billing',
          startedAt: now,
          endedAt: now,
          outcome: 'resolved',
          handoffFromId: page.opening.id,
          source: BILL_PAPERLESS_SOURCE,
          externalId: communication.id,
          details: { communicationId: communication.id, billId: communication.billId, switchedTo: 'email' },
        });
        return { page, switched, already: false };
      } catch (error) {
        // The same form sent twice at once: the first one recorded the switch.
        if (!(error instanceof ChannelPilotError && error.code === 'conflict')) throw error;
        const first = await interactions.fromSource(BILL_PAPERLESS_SOURCE, communication.id);
        if (!first) throw error;
        return { page, switched: first, already: true };
      }
    },
  };
}
