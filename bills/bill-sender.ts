import { createHash } from 'node:crypto';
import {
  ChannelPilotError,
  notFound,
  reachableMedia,
  type Billing,
  type Clock,
  type CustomerDirectory,
  type Interaction,
  type InteractionLog,
  type Outbox,
} from '../core/index.ts';
import {
  BILL_SENT_SOURCE,
  BILL_STYLE_CHANNEL,
  styleArmOf,
  billMediumContact,
  billMediumFor,
  isPaperless,
  type BillCommunication,
  type BillCommunicationStore,
  type BillLinks,
  type BillStyle,
  type BillView,
} from '../core/services.ts';
import { type PilotStore } from '../core/evidence.ts';
import { billSms, passiveBillEmail, reactiveBillEmail } from './bill-email.ts';

/** Which style a bill goes out in, and the pilot arm that chose it (none outside a pilot). */
export interface StyleChoice {
  style: BillStyle;
  pilotId: string | null;
  arm: string | null;
}

/** A bill that goes on paper: the print batch takes it. */
export interface Letter {
  communication: BillCommunication;
  view: BillView;
  pageUrl: string;
}

/**
 * Turns an issued bill into its one communication: the medium its style and the customer's
 * consents allow, the outbound contact that opens the bill's journey, and the message through
 * the outbox (e-mail with the PDF attached, or an SMS); a letter for the print batch on paper,
 * recorded as sent only once the batch holding it is written.
 * Sending a bill again adds nothing: the contact, the communication and the message are keyed by it.
 */
/**
 * A letter's communication id, made of its bill's: a letter printed twice (two runs of a day at
 * once, or a run after one that failed while recording) names the communication its bill is
 * recorded under, so that its link opens whichever print the customer reads.
 */
function letterId(billId: string): string {
  const h = createHash('sha256').update(`letter ${billId}`).digest('hex');
  const variant = ((parseInt(h[16]!, 16) & 3) | 8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function createBillSender(deps: {
  billing: Billing;
  customers: CustomerDirectory;
  interactions: InteractionLog;
  communications: BillCommunicationStore;
  billLinks: BillLinks;
  outbox: Outbox;
  pilots: Pick<PilotStore, 'liveOn'>;
  /** The style of customers outside a running style pilot's arms. */
  defaultStyle: BillStyle;
  clock: Clock;
  /** The printed bill of a communication, as a PDF. */
  document: (view: BillView, pageUrl: string) => Promise<Buffer>;
}) {
  async function sentContact(
    billId: string,
    customerId: string,
    medium: BillCommunication['medium'],
    choice: StyleChoice,
  ): Promise<Interaction> {
    const now = deps.clock.now();
    try {
      return await deps.interactions.record({
        customerId,
        ...billMediumContact[medium],
        direction: 'outbound',
        reason: 'billing',
        startedAt: now,
        endedAt: now,
        outcome: 'resolved',
        source: BILL_SENT_SOURCE,
        externalId: billId,
        details: { billId, style: choice.style, medium },
      });
    } catch (error) {
      if (!(error instanceof ChannelPilotError && error.code === 'conflict')) throw error;
      const sent = await deps.interactions.fromSource(BILL_SENT_SOURCE, billId);
      if (!sent) throw error;
      return sent;
    }
  }

  /** The customer's arm of the running style pilot (sticky: one customer, one style), else the default. */
  async function chooseStyle(customerId: string): Promise<StyleChoice> {
    const live = await deps.pilots.liveOn(BILL_STYLE_CHANNEL, customerId);
    const design =
      live?.pilot.status === 'running' ? await deps.communications.design(live.pilot.id) : undefined;
    const drawn = live && design ? styleArmOf(live.pilot.id, customerId, design) : null;
    return drawn && live
      ? { style: drawn.style, pilotId: live.pilot.id, arm: drawn.arm }
      : { style: deps.defaultStyle, pilotId: null, arm: null };
  }

  /** Records a letter's outbound contact and communication, under the id its printed link names. */
  async function recordLetter(letter: Letter): Promise<BillCommunication> {
    const { communication: draft } = letter;
    const { style, pilotId, arm } = draft;
    const sent = await sentContact(draft.billId, draft.customerId, 'post', { style, pilotId, arm });
    return deps.communications.record({ ...draft, sentInteractionId: sent.id });
  }

  /**
   * Sends a bill by e-mail or SMS in the style given, or else in the one its customer's arm draws.
   * A bill on paper is only made ready: its letter, whose link names a communication not recorded
   * yet, is recorded as sent by `recordLetter` once its print batch is written.
   */
  async function prepare(
    billId: string,
    given?: StyleChoice,
  ): Promise<{ communication: BillCommunication; letter: Letter | null }> {
    const bill = await deps.billing.bill(billId);
    if (!bill) throw notFound('bill', billId);
    // Sent before: nothing more goes out, and no letter is printed again.
    const before = await deps.communications.forBill(bill.id);
    if (before) return { communication: before, letter: null };
    const customer = await deps.customers.get(bill.customerId);
    if (!customer) throw notFound('customer', bill.customerId);
    const choice = given ?? (await chooseStyle(customer.id));
    const consents = await deps.customers.consents(customer.id);
    const medium = billMediumFor(choice.style, reachableMedia(customer, consents), isPaperless(consents));
    if (medium === 'post') {
      const draft: BillCommunication = {
        id: letterId(bill.id),
        billId: bill.id,
        customerId: customer.id,
        ...choice,
        medium,
        sentInteractionId: '',
        createdAt: deps.clock.now(),
      };
      const view = await deps.billLinks.view(draft);
      return {
        communication: draft,
        letter: { communication: draft, view, pageUrl: deps.billLinks.url(draft) },
      };
    }
    const sent = await sentContact(bill.id, customer.id, medium, choice);
    const communication = await deps.communications.record({
      billId: bill.id,
      customerId: customer.id,
      style: choice.style,
      medium,
      pilotId: choice.pilotId,
      arm: choice.arm,
      sentInteractionId: sent.id,
    });
    const pageUrl = deps.billLinks.url(communication);
    const view = await deps.billLinks.view(communication);
    // Sent meanwhile on paper by another run: nothing more goes out.
    if (communication.medium === 'post') return { communication, letter: null };

    const message = {
      dedupeKey: `bill:${bill.id}`,
      customerId: customer.id,
      appointmentId: null,
      kind: `bill_${communication.style}`,
      sendAfter: deps.clock.now(),
      bulk: true,
    };
    if (communication.medium === 'sms') {
      await deps.outbox.enqueue([
        {
          ...message,
          medium: 'sms',
          recipient: customer.phone as string,
          subject: null,
          body: billSms(view, pageUrl),
          attachments: [],
        },
      ]);
    } else {
      const email =
        communication.style === 'reactive'
          ? await reactiveBillEmail(view, pageUrl)
          : passiveBillEmail(view, pageUrl);
      const pdf = await deps.document(view, pageUrl);
      await deps.outbox.enqueue([
        {
          ...message,
          medium: 'email',
          recipient: customer.email as string,
          subject: email.subject,
          body: email.text,
          html: email.html,
          attachments: [
            {
              filename: `${bill.number.replace(/[^\w.-]/g, '_')}.pdf`,
              contentType: 'application/pdf',
              content: pdf.toString('base64'),
              encoding: 'base64',
            },
          ],
        },
      ]);
    }
    return { communication, letter: null };
  }

  return {
    chooseStyle,
    prepare,
    recordLetter,
    /**
     * Sends a bill at once, a letter recorded as sent before anything is printed: for the demo's
     * history (its letters went out before the kit came) and callers that print it themselves.
     * The billing run prepares, prints, then records instead.
     */
    async send(
      billId: string,
      given?: StyleChoice,
    ): Promise<{ communication: BillCommunication; letter: Letter | null }> {
      const prepared = await prepare(billId, given);
      if (!prepared.letter) return prepared;
      const communication = await recordLetter(prepared.letter);
      // Recorded meanwhile by another run: that run's letter is the one to print.
      if (communication.id !== prepared.letter.communication.id) return { communication, letter: null };
      return { communication, letter: { ...prepared.letter, communication } };
    },
  };
}
