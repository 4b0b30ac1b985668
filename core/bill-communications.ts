import {
  billStatus,
  compareBill,
  type Bill,
  type BillComparison,
  type BillStatus,
  type Billing,
} from './billing.ts';
import { calendarDate, type Clock } from './clock.ts';
import { consentsInForce, type AccountKind, type Consent, type CustomerDirectory } from './customers.ts';
import { ChannelPilotError, notFound } from './errors.ts';
import type { Interaction, InteractionLog } from './interactions.ts';
import { messageMediumOf, type MessageMedium } from './notifications.ts';
import type { CommunicationFacts, StylePilotDesign } from './bill-styles.ts';
import type { SignedLinks } from './signed-links.ts';
import type { ContactMedium, Locale } from './vocabulary.ts';

/**
 * How a bill is communicated. `passive`: the same PDF on every medium; `active`: content made for
 * each medium (paper with QR codes, a short SMS); `reactive`: a responsive e-mail whose parts lead
 * to the next step. Whichever it is, every link continues the bill's journey (cross-channel).
 */
export const billStyles = ['passive', 'active', 'reactive'] as const;
export type BillStyle = (typeof billStyles)[number];

/** The media a bill goes out on. */
export const billMedia = ['email', 'sms', 'post'] as const;
export type BillMedium = (typeof billMedia)[number];

/** The channel and touchpoint a bill's medium is recorded under in the interaction log. */
export const billMediumContact: Record<BillMedium, { channel: string; touchpoint: string }> = {
  email: { channel: 'email', touchpoint: 'notification' },
  sms: { channel: 'sms', touchpoint: 'notification' },
  post: { channel: 'paper_mail', touchpoint: 'letter' },
};

/**
 * The medium a style goes out on, among those the customer consented to: e-mail for the passive
 * and reactive styles, an SMS for the active one (the reactive e-mail falls back to an SMS link).
 * Paper needs no consent: it is how the contract sends bills to everyone else, unless they went
 * paperless, whose bills take any digital medium they consented to before paper.
 */
export function billMediumFor(
  style: BillStyle,
  reachable: readonly ContactMedium[],
  paperless = false,
): BillMedium {
  const preference: Record<BillStyle, BillMedium[]> = {
    passive: ['email'],
    active: ['sms'],
    reactive: ['email', 'sms'],
  };
  const order: BillMedium[] = paperless ? [...preference[style], 'email', 'sms'] : preference[style];
  return order.find((m) => reachable.includes(m as ContactMedium)) ?? 'post';
}

/**
 * Whether a customer asked for no paper: a contact consent for post withdrawn. Their bills then
 * go on a digital medium they consented to, whatever their style prefers.
 */
export function isPaperless(history: readonly Consent[]): boolean {
  return consentsInForce(history).some((c) => c.purpose === 'contact' && c.medium === 'post' && !c.granted);
}

/** The source the outbound contact of a bill is recorded under, by the bill's id (reserved). */
export const BILL_SENT_SOURCE = 'bill_sent';

/** One bill sent to its customer in one style on one medium. */
export interface BillCommunication {
  id: string;
  billId: string;
  customerId: string;
  style: BillStyle;
  medium: BillMedium;
  /** The style pilot that chose the style, and the arm the customer is in; null outside a pilot. */
  pilotId: string | null;
  arm: string | null;
  /** The outbound contact that carried the bill: its journey is the bill's journey. */
  sentInteractionId: string;
  createdAt: Date;
}

export type NewBillCommunication = Omit<BillCommunication, 'id' | 'createdAt'>;

/** Port: the communications of issued bills, one per bill. */
export interface BillCommunicationStore {
  /**
   * Records a communication; a bill already communicated keeps its first one, which is returned.
   * A letter printed before it is recorded brings the id and time its printed link was made with.
   */
  record(
    input: NewBillCommunication & Partial<Pick<BillCommunication, 'id' | 'createdAt'>>,
  ): Promise<BillCommunication>;
  communication(id: string): Promise<BillCommunication | undefined>;
  forBill(billId: string): Promise<BillCommunication | undefined>;
  /**
   * Bills issued on a day that have not been communicated yet (cancelled ones aside), in id order;
   * with `after`, only those past that id (a run that leaves some unrecorded for a while pages on).
   */
  uncommunicated(issuedOn: string, limit: number, after?: string): Promise<string[]>;
  /** Sets a style pilot's arms. */
  saveDesign(pilotId: string, design: StylePilotDesign): Promise<void>;
  design(pilotId: string): Promise<StylePilotDesign | undefined>;
  /**
   * What each communication of a style pilot led to: delivered, opened, the payments against its
   * bill, and the customer's other contacts about bills and payments (the reasons `billing` and
   * `payment`, and those of the billing and payments groups) within `withinDays` of it.
   */
  pilotFacts(pilotId: string, withinDays: number): Promise<CommunicationFacts[]>;
}

/** The source the openings of bill links are recorded under (reserved: nobody else may write it). */
export const BILL_LINK_SOURCE = 'bill_link';

/** How long a bill's personal link opens its page: well past the due date, for late payers. */
export const BILL_LINK_TTL_MS = 120 * 86_400_000;

/** Months of consumption the bill's page charts. */
export const CHART_MONTHS = 13;

/** A communicated bill as its customer reads it: that bill, its supply's history and what changed. */
export interface BillView {
  communication: BillCommunication;
  firstName: string;
  lastName: string;
  locale: Locale;
  /** Whether an e-mail address is on file (the page asks for one before going paperless). */
  emailOnFile: boolean;
  /**
   * Where automatic messages to the customer go (a linking code, a confirmation): their first
   * consented medium among e-mail and SMS; null for a customer reached on paper only.
   */
  messageMedium: MessageMedium | null;
  /** The customer asked for no paper (see isPaperless). */
  paperless: boolean;
  /** The customer consented to marketing: an offer may be shown beside the bill. */
  marketing: boolean;
  bill: Bill;
  status: BillStatus;
  supply: { kind: AccountKind; address: string };
  comparison: BillComparison;
  /**
   * The supply's bills whose period ends in the bill's month or the 12 before it (13 months),
   * oldest first: the consumption chart.
   */
  history: {
    periodStart: string;
    periodEnd: string;
    quantity: number | null;
    unit: string | null;
    amountCents: number;
  }[];
}

/** What the holder of a bill link sees, and the opening recorded once per link in the bill's journey. */
export interface BillPage extends BillView {
  opening: Interaction;
}

export interface BillLinks {
  /** The personal link of a communication's bill page. */
  url(communication: BillCommunication): string;
  /** Opens a link: records the opening in the bill's journey (once per link) and answers the page. */
  open(token: string): Promise<BillPage>;
  /** The communication a genuine, unexpired link names, without recording anything. */
  communicationOf(token: string): Promise<BillCommunication>;
  /** The bill as the communication shows it (the e-mail, the letter), recording nothing. */
  view(communication: BillCommunication): Promise<BillView>;
}

export function createBillLinks(options: {
  links: SignedLinks;
  communications: BillCommunicationStore;
  customers: CustomerDirectory;
  billing: Billing;
  interactions: InteractionLog;
  clock: Clock;
  /** The address a token is opened at. */
  address: (token: string) => string;
}): BillLinks {
  const { links, communications, customers, billing, interactions, clock } = options;

  const tokenOf = (c: BillCommunication) =>
    links.sign({
      action: 'bill',
      subject: c.id,
      expiresAt: new Date(c.createdAt.getTime() + BILL_LINK_TTL_MS),
    });

  async function communicationOf(token: string): Promise<BillCommunication> {
    const { subject } = links.verify(token, 'bill', clock.now());
    const communication = await communications.communication(subject);
    if (!communication) throw new ChannelPilotError('unauthenticated', 'this link is not valid');
    return communication;
  }

  async function recordOpening(token: string, c: BillCommunication): Promise<Interaction> {
    const externalId = token.slice(token.lastIndexOf('.') + 1);
    const now = clock.now();
    try {
      return await interactions.record({
        customerId: c.customerId,
        channel: 'web',
        touchpoint: 'bill_page',
        direction: 'inbound',
        reason: 'billing',
        startedAt: now,
        endedAt: now,
        outcome: 'resolved',
        handoffFromId: c.sentInteractionId,
        source: BILL_LINK_SOURCE,
        externalId,
        details: {
          communicationId: c.id,
          billId: c.billId,
          style: c.style,
          from: billMediumContact[c.medium],
        },
      });
    } catch (error) {
      if (!(error instanceof ChannelPilotError && error.code === 'conflict')) throw error;
      const opened = await interactions.fromSource(BILL_LINK_SOURCE, externalId);
      if (!opened) throw error;
      return opened;
    }
  }

  async function view(communication: BillCommunication): Promise<BillView> {
    const [customer, bill, accounts, consents] = await Promise.all([
      customers.get(communication.customerId),
      billing.bill(communication.billId),
      customers.accounts(communication.customerId),
      customers.consents(communication.customerId),
    ]);
    if (!customer) throw notFound('customer', communication.customerId);
    if (!bill) throw notFound('bill', communication.billId);
    const account = accounts.find((a) => a.id === bill.accountId);
    if (!account) throw notFound('account', bill.accountId);
    const [[compared], ofAccount] = await Promise.all([
      billing.comparables([bill]),
      billing.bills(customer.id, { accountId: bill.accountId, limit: 40 }),
    ]);
    // The bill's month and the twelve before it: a period ending in one of them is charted.
    const month = (isoDate: string) => Number(isoDate.slice(0, 4)) * 12 + Number(isoDate.slice(5, 7));
    const firstMonth = month(bill.periodEnd) - CHART_MONTHS + 1;
    return {
      communication,
      firstName: customer.firstName,
      lastName: customer.lastName,
      locale: customer.locale,
      emailOnFile: customer.email !== null,
      messageMedium: messageMediumOf(customer, consents),
      paperless: isPaperless(consents),
      marketing: consentsInForce(consents).some((c) => c.purpose === 'marketing' && c.granted),
      bill,
      status: billStatus(bill, calendarDate(clock.now())),
      supply: { kind: account.kind, address: account.supplyAddress },
      comparison: compareBill(bill, compared?.previous, compared?.yearAgo),
      history: ofAccount
        .filter((b) => !b.cancelled && month(b.periodEnd) >= firstMonth && b.periodEnd <= bill.periodEnd)
        .sort((a, b) => a.periodStart.localeCompare(b.periodStart))
        .map((b) => ({
          periodStart: b.periodStart,
          periodEnd: b.periodEnd,
          quantity: b.consumption?.quantity ?? null,
          unit: b.consumption?.unit ?? null,
          amountCents: b.amountCents,
        })),
    };
  }

  return {
    url: (c) => options.address(tokenOf(c)),
    communicationOf,
    view,
    async open(token) {
      const communication = await communicationOf(token);
      const shown = await view(communication);
      return { ...shown, opening: await recordOpening(token, communication) };
    },
  };
}
