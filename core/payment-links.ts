import { balance, billStatus, type Balance, type BillStatus, type Billing } from './billing.ts';
import { calendarDate, type Clock } from './clock.ts';
import type { CustomerDirectory } from './customers.ts';
import { ChannelPilotError, notFound } from './errors.ts';
import type { Interaction, InteractionLog } from './interactions.ts';
import { messageAddress, type MessageMedium, type Outbox } from './notifications.ts';
import type { SignedLinks } from './signed-links.ts';
import type { Locale } from './vocabulary.ts';

/** How long a payment link stays valid. */
export const PAYMENT_LINK_TTL_MS = 7 * 86_400_000;

/** What the holder of a payment link sees: who it is for and what is owed. */
export interface PaymentPage {
  customerId: string;
  firstName: string;
  locale: Locale;
  balance: Balance;
  bills: { number: string; amountCents: number; paidCents: number; dueOn: string; status: BillStatus }[];
  /** The opening, recorded as a `web` contact in the journey of the contact that sent the link. */
  opening: Interaction;
}

export interface PaymentLinks {
  /**
   * Sends the customer a link to pay what they owe, on their preferred consented medium. The link
   * names `fromInteractionId`, the contact it was sent during, so that opening it continues that
   * journey. Null when the customer may not be messaged. One link goes out per contact:
   * `alreadySent` says that contact's link was sent before and nothing new was queued.
   */
  send(input: {
    customerId: string;
    fromInteractionId: string;
  }): Promise<{ medium: MessageMedium; url: string; alreadySent: boolean } | null>;
  /** Opens a link: records the opening (once per link) and answers what is owed. */
  open(token: string): Promise<PaymentPage>;
}

const texts: Record<Locale, { subject: string; body: (url: string) => string }> = {
  'it-IT': {
    subject: 'Il link per pagare la tua bolletta',
    body: (url) => `Ecco il link per pagare la tua bolletta: ${url}`,
  },
  'en-US': {
    subject: 'The link to pay your bill',
    body: (url) => `Here is the link to pay your bill: ${url}`,
  },
};

export function createPaymentLinks(options: {
  links: SignedLinks;
  customers: CustomerDirectory;
  billing: Billing;
  interactions: InteractionLog;
  outbox: Outbox;
  clock: Clock;
  /** The address a token is opened at. */
  url: (token: string) => string;
}): PaymentLinks {
  const { links, customers, billing, interactions, outbox, clock } = options;

  /** The opening of this link, recorded once: a second opening (or a link preview) adds nothing. */
  async function recordOpening(token: string, customerId: string, fromId: string): Promise<Interaction> {
    const externalId = token.slice(token.lastIndexOf('.') + 1);
    const now = clock.now();
    const from = await interactions.interaction(fromId);
    try {
      return await interactions.record({
        customerId,
        channel: 'web',
        touchpoint: 'payment_link',
        direction: 'inbound',
        reason: 'payment',
        startedAt: now,
        endedAt: now,
        outcome: 'resolved',
        // The contact that sent the link may be gone from the log; the journey rule still places the opening.
        handoffFromId: from?.customerId === customerId ? fromId : null,
        source: 'payment_link',
        externalId,
        details: { sentDuring: fromId },
      });
    } catch (error) {
      if (!(error instanceof ChannelPilotError && error.code === 'conflict')) throw error;
      const opened = await interactions.fromSource('payment_link', externalId);
      if (!opened) throw error;
      return opened;
    }
  }

  return {
    async send({ customerId, fromInteractionId }) {
      const address = await messageAddress(customers, customerId);
      if (!address) return null;
      const now = clock.now();
      const token = links.sign({
        action: 'pay',
        subject: `${customerId}_${fromInteractionId}`,
        expiresAt: new Date(now.getTime() + PAYMENT_LINK_TTL_MS),
      });
      const url = options.url(token);
      const text = texts[address.customer.locale];
      const queued = await outbox.enqueue([
        {
          dedupeKey: `payment-link:${fromInteractionId}`,
          customerId,
          appointmentId: null,
          kind: 'payment_link',
          medium: address.medium,
          recipient: address.recipient,
          subject: address.medium === 'email' ? text.subject : null,
          body: text.body(url),
          attachments: [],
          sendAfter: now,
        },
      ]);
      return { medium: address.medium, url, alreadySent: queued === 0 };
    },

    async open(token) {
      const { subject } = links.verify(token, 'pay', clock.now());
      const [customerId = '', fromId = ''] = subject.split('_');
      const customer = await customers.get(customerId);
      if (!customer) throw notFound('customer', customerId);
      const opening = await recordOpening(token, customerId, fromId);
      const open = await billing.openBills(customerId);
      const today = calendarDate(clock.now());
      return {
        customerId,
        firstName: customer.firstName,
        locale: customer.locale,
        balance: balance(open, today),
        bills: open.map((bill) => ({
          number: bill.number,
          amountCents: bill.amountCents,
          paidCents: bill.paidCents,
          dueOn: bill.dueOn,
          status: billStatus(bill, today),
        })),
        opening,
      };
    },
  };
}
