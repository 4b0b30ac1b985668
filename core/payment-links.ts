import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { balance, billStatus, type Balance, type BillStatus, type Billing } from './billing.ts';
import { REFERENCE_ZONE, calendarDate, type Clock } from './clock.ts';
import { accountKinds, type CustomerDirectory } from './customers.ts';
import { ChannelPilotError, notFound } from './errors.ts';
import type { Interaction, InteractionLog } from './interactions.ts';
import { messageAddress, type MessageMedium, type Outbox } from './notifications.ts';
import type { SignedLinks } from './signed-links.ts';
import { suppliesOf, type Supply } from './supplies.ts';
import type { Locale } from './vocabulary.ts';

/** How long a payment link stays valid. */
export const PAYMENT_LINK_TTL_MS = 7 * 86_400_000;

/** What the holder of a payment link sees: who it is for and what is owed, bill by bill. */
export interface PaymentPage {
  customerId: string;
  firstName: string;
  locale: Locale;
  balance: Balance;
  /** The open bills, oldest due first, each with its supply. */
  bills: {
    number: string;
    supply: { kind: (typeof accountKinds)[number]; street: string };
    periodStart: string;
    periodEnd: string;
    amountCents: number;
    paidCents: number;
    dueOn: string;
    status: BillStatus;
  }[];
  /** The opening, recorded as a `web` contact in the journey of the contact that sent the link. */
  opening: Interaction;
}

/**
 * Port: a payment service provider's hosted checkout (a card processor, a bank's payment page).
 * The provider confirms a completed payment back to {@link PaymentLinks.settle}.
 */
export interface PaymentProvider {
  /** Starts a checkout; the customer pays at `url` and comes back to `returnUrl`. */
  startCheckout(input: {
    /** A new id for this checkout; the provider's confirmation names it. */
    checkoutId: string;
    /** What the confirmation must carry back: the payment link's token. */
    reference: string;
    amountCents: number;
    currency: 'EUR';
    locale: Locale;
    returnUrl: string;
  }): Promise<{ url: string }>;
}

export interface PaymentLinks {
  /**
   * Sends the customer a link to pay what they owe, on their preferred consented medium, saying
   * how much and by when. The link names `fromInteractionId`, the contact it was sent during, so
   * that opening it continues that journey. Null when the customer may not be messaged. One link
   * goes out per contact: `alreadySent` says that contact's link was sent before and nothing new
   * was queued.
   */
  send(input: {
    customerId: string;
    fromInteractionId: string;
  }): Promise<{ medium: MessageMedium; url: string; alreadySent: boolean } | null>;
  /**
   * A link to pay what the customer owes, continuing the journey of `fromInteractionId`, without
   * sending it (a page the customer is on shows it as a button).
   */
  issue(input: { customerId: string; fromInteractionId: string }): string;
  /** Opens a link: records the opening (once per link) and answers what is owed. */
  open(token: string): Promise<PaymentPage>;
  /** Starts paying what a link's customer owes, at the provider: the address to send them to. */
  checkout(token: string, returnUrl: string): Promise<{ url: string }>;
  /**
   * Records a payment the provider confirmed, against the customer's open bills, oldest due
   * first. The same confirmation twice records it once. Returns what was recorded, in cents.
   */
  settle(input: {
    reference: string;
    checkoutId: string;
    amountCents: number;
    paidAt: Date;
  }): Promise<number>;
}

const texts: Record<
  Locale,
  {
    subject: string;
    owed: (p: {
      amount: string;
      overdue: string | null;
      since: string | null;
      next: string | null;
    }) => string;
    body: (owed: string, url: string) => string;
  }
> = {
  'it-IT': {
    subject: 'Il link per pagare le tue bollette',
    owed: ({ amount, overdue, since, next }) =>
      overdue && overdue === amount
        ? `Da pagare: ${amount}, scaduti dal ${since}.`
        : overdue
          ? `Da pagare: ${amount}, di cui ${overdue} scaduti dal ${since}; prossima scadenza ${next}.`
          : `Da pagare: ${amount}, con scadenza ${next}.`,
    body: (owed, url) => `${owed} Paga da qui: ${url}`,
  },
  'en-US': {
    subject: 'The link to pay your bills',
    owed: ({ amount, overdue, since, next }) =>
      overdue && overdue === amount
        ? `To pay: ${amount}, overdue since ${since}.`
        : overdue
          ? `To pay: ${amount}, of which ${overdue} overdue since ${since}; next due ${next}.`
          : `To pay: ${amount}, due ${next}.`,
    body: (owed, url) => `${owed} Pay here: ${url}`,
  },
};

/** What a balance comes to, in the words of a message: amount, overdue part and dates. */
function owedText(locale: Locale, owed: Balance): string {
  const money = (cents: number) =>
    new Intl.NumberFormat(locale, { style: 'currency', currency: 'EUR' }).format(cents / 100);
  const day = (iso: string | undefined) =>
    iso
      ? DateTime.fromISO(iso, { zone: REFERENCE_ZONE }).setLocale(locale).toLocaleString(DateTime.DATE_FULL)
      : null;
  return texts[locale].owed({
    amount: money(owed.owedCents),
    overdue: owed.overdueCents > 0 ? money(owed.overdueCents) : null,
    since: day(owed.openBills.find((b) => b.status === 'overdue')?.dueOn),
    next: day(owed.nextDue?.dueOn),
  });
}

export function createPaymentLinks(options: {
  links: SignedLinks;
  customers: CustomerDirectory;
  billing: Billing;
  interactions: InteractionLog;
  outbox: Outbox;
  /** Where the customer pays; without one, links show what is owed and offer no payment. */
  provider?: PaymentProvider;
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

  /** The customer and contact a genuine link names; an expired one still names them when `expired` is allowed. */
  function claims(token: string, options: { expired?: boolean } = {}) {
    const inspection = links.inspect(token, 'pay', clock.now());
    if (inspection.status === 'invalid' || (inspection.status === 'expired' && !options.expired)) {
      // verify throws, naming what is wrong with the link.
      links.verify(token, 'pay', clock.now());
      throw new ChannelPilotError('unauthenticated', 'this link is not valid');
    }
    const [customerId = '', fromId = ''] = inspection.claims.subject.split('_');
    return { customerId, fromId };
  }

  function issue({ customerId, fromInteractionId }: { customerId: string; fromInteractionId: string }) {
    const token = links.sign({
      action: 'pay',
      subject: `${customerId}_${fromInteractionId}`,
      expiresAt: new Date(clock.now().getTime() + PAYMENT_LINK_TTL_MS),
    });
    return options.url(token);
  }

  async function customerOf(customerId: string) {
    const customer = await customers.get(customerId);
    if (!customer) throw notFound('customer', customerId);
    return customer;
  }

  return {
    issue,

    async send({ customerId, fromInteractionId }) {
      const address = await messageAddress(customers, customerId);
      if (!address) return null;
      const now = clock.now();
      const url = issue({ customerId, fromInteractionId });
      const { locale } = address.customer;
      const owed = balance(await billing.openBills(customerId), calendarDate(now));
      const text = texts[locale];
      const queued = await outbox.enqueue([
        {
          dedupeKey: `payment-link:${fromInteractionId}`,
          customerId,
          appointmentId: null,
          kind: 'payment_link',
          medium: address.medium,
          recipient: address.recipient,
          subject: address.medium === 'email' ? text.subject : null,
          body: text.body(owedText(locale, owed), url),
          attachments: [],
          sendAfter: now,
        },
      ]);
      return { medium: address.medium, url, alreadySent: queued === 0 };
    },

    async open(token) {
      const { customerId, fromId } = claims(token);
      const customer = await customerOf(customerId);
      const opening = await recordOpening(token, customerId, fromId);
      const [open, accounts] = await Promise.all([
        billing.openBills(customerId),
        customers.accounts(customerId),
      ]);
      const supplies = suppliesOf(accounts);
      const today = calendarDate(clock.now());
      const owed = balance(open, today);
      return {
        customerId,
        firstName: customer.firstName,
        locale: customer.locale,
        balance: owed,
        bills: open
          .filter((bill) => owed.openBills.some((o) => o.billId === bill.id))
          .map((bill) => {
            // A bill is always of one of its customer's accounts.
            const { kind, street } = supplies.find((s) => s.accountId === bill.accountId) as Supply;
            return {
              number: bill.number,
              supply: { kind, street },
              periodStart: bill.periodStart,
              periodEnd: bill.periodEnd,
              amountCents: bill.amountCents,
              paidCents: bill.paidCents,
              dueOn: bill.dueOn,
              status: billStatus(bill, today),
            };
          }),
        opening,
      };
    },

    async checkout(token, returnUrl) {
      const { customerId } = claims(token);
      const customer = await customerOf(customerId);
      if (!options.provider) {
        throw new ChannelPilotError('unavailable', 'no payment provider is configured', {
          hint: 'compose the app with a PaymentProvider',
        });
      }
      const owed = balance(await billing.openBills(customerId), calendarDate(clock.now()));
      if (owed.owedCents <= 0) throw new ChannelPilotError('conflict', 'there is nothing left to pay');
      return options.provider.startCheckout({
        checkoutId: randomUUID(),
        reference: token,
        amountCents: owed.owedCents,
        currency: 'EUR',
        locale: customer.locale,
        returnUrl,
      });
    },

    async settle({ reference, checkoutId, amountCents, paidAt }) {
      // The customer paid while the link was valid; the confirmation may arrive after it expired.
      const { customerId } = claims(reference, { expired: true });
      await customerOf(customerId);
      // A confirmation delivered again (or after a crash halfway) records only what is missing.
      const before = (await billing.payments(customerId, { limit: 200 }))
        .filter((p) => p.reference?.startsWith(`${checkoutId}:`))
        .reduce((total, p) => total + p.amountCents, 0);
      const open = balance(await billing.openBills(customerId), calendarDate(paidAt)).openBills;
      let left = amountCents - before;
      let recorded = 0;
      for (const bill of open) {
        if (left <= 0) break;
        const part = Math.min(left, bill.owedCents);
        left -= part;
        try {
          await billing.recordPayment({
            customerId,
            billId: bill.billId,
            amountCents: part,
            paidAt,
            method: 'card',
            channel: 'web',
            reference: `${checkoutId}:${bill.billId}`,
          });
          recorded += part;
        } catch (error) {
          // Confirmed before: that part is already recorded.
          if (!(error instanceof ChannelPilotError && error.code === 'conflict')) throw error;
        }
      }
      return recorded;
    },
  };
}
