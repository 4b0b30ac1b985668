import {
  balance,
  billStatus,
  calendarDate,
  type Billing,
  type CallbackQueue,
  type Clock,
  type CustomerDirectory,
  type PaymentLinks,
  type SurveyAnswers,
} from '../../core/index.ts';
import { GENERAL_REASON, intentGroup, reply, type IntentHandler, type TurnRequest } from './conversation.ts';
import { serviceMessages, type ServiceMessages } from './service-messages.ts';

export const serviceIntentNames = ['PayBill', 'TalkToPerson', 'BillDetail', 'Satisfaction'] as const;
export type ServiceIntentName = (typeof serviceIntentNames)[number];

/** What each intent is called in a callback's summary for the agent (in the customer's language). */
const askedAbout: Record<string, Record<string, string>> = {
  'it-IT': {
    WhatDoIOwe: 'quanto deve pagare',
    LastPayment: "l'ultimo pagamento",
    WhyHigher: 'perché la bolletta è cambiata',
    BillDetail: 'il dettaglio di una bolletta',
    PayBill: 'il link per pagare',
    BookConsultation: 'una videoconsulenza',
    NextAppointment: 'il prossimo appuntamento',
    MoveAppointment: 'di spostare un appuntamento',
    CancelAppointment: 'di annullare un appuntamento',
    LinkAccount: 'di collegare il suo account',
  },
  'en-US': {
    WhatDoIOwe: 'what they owe',
    LastPayment: 'their last payment',
    WhyHigher: 'why the bill changed',
    BillDetail: 'the details of a bill',
    PayBill: 'a payment link',
    BookConsultation: 'a video consultation',
    NextAppointment: 'their next appointment',
    MoveAppointment: 'to move an appointment',
    CancelAppointment: 'to cancel an appointment',
    LinkAccount: 'to link their account',
  },
};

export function createServiceIntents(options: {
  billing: Billing;
  customers: CustomerDirectory;
  paymentLinks: PaymentLinks;
  callbacks: CallbackQueue;
  surveys: SurveyAnswers;
  clock: Clock;
  /** Told of every failure that was turned into an apology, so that it can be logged. */
  onError?: (error: unknown, at: { intent: ServiceIntentName; customerId: string }) => void;
}): Record<ServiceIntentName, IntentHandler> {
  const { billing, customers, paymentLinks, callbacks, surveys, clock } = options;

  // The satisfaction question is about the conversation, not a turn of it: its re-asks do not count.
  const lastAnswered = (request: TurnRequest) =>
    request.history?.filter((turn) => turn.intent !== 'Satisfaction').at(-1);
  const lastReason = (request: TurnRequest) => lastAnswered(request)?.reason ?? GENERAL_REASON;
  // The reason each turn is logged under, its apology's too.
  const reasons: Record<ServiceIntentName, (request: TurnRequest) => string> = {
    PayBill: () => 'payment',
    BillDetail: () => 'bill_explanation',
    TalkToPerson: lastReason,
    Satisfaction: lastReason,
  };
  const handler = intentGroup<ServiceIntentName, ServiceMessages>({
    messages: serviceMessages,
    apology: (say, intent, request) =>
      reply(say.apology(), say.apology(), 'failed', reasons[intent](request)),
    onError: options.onError,
  });

  return {
    PayBill: handler('PayBill', async ({ customerId, turnId }, say) => {
      const { owedCents } = balance(await billing.openBills(customerId), calendarDate(clock.now()));
      if (owedCents <= 0) return reply(say.payTitle(), say.nothingToPay(), 'resolved', 'payment');
      const sent = await paymentLinks.send({ customerId, fromInteractionId: turnId });
      if (!sent) return reply(say.payTitle(), say.cannotMessage(), 'failed', 'payment');
      return {
        ...reply(say.payTitle(), say.linkSent({ owedCents, medium: sent.medium }), 'resolved', 'payment'),
        cardText: say.payCard({ owedCents, url: sent.url }),
      };
    }),

    TalkToPerson: handler('TalkToPerson', async (request, say) => {
      const { customerId, locale, turnId } = request;
      const reason = lastReason(request);
      const customer = await customers.get(customerId);
      if (!customer?.phone) return reply(say.callbackTitle(), say.noPhone(), 'failed', reason);
      const history = request.history ?? [];
      const asked = history.map((turn) => askedAbout[locale]?.[turn.intent] ?? turn.intent);
      await callbacks.request(
        {
          customerId,
          interactionId: turnId,
          channel: 'voice_assistant',
          reason,
          summary: say.callbackSummary({ asked: [...new Set(asked)] }),
          context: { locale, turns: history },
        },
        clock.now(),
      );
      return reply(
        say.callbackTitle(),
        say.callbackRequested({ phoneEnd: customer.phone.slice(-3) }),
        'handed_off',
        reason,
        { kind: 'end' },
      );
    }),

    BillDetail: handler('BillDetail', async ({ customerId, slots }, say) => {
      const today = calendarDate(clock.now());
      const bills = await billing.bills(customerId, { limit: 36 });
      const bill = slots?.period ? billFor(bills, pastPeriod(slots.period, today)) : bills[0];
      if (!bill) {
        const text = bills.length === 0 ? say.noBills() : say.noBillFor();
        return reply(say.billTitle(), text, 'resolved', 'bill_explanation');
      }
      return reply(
        say.billTitle(),
        say.billDetail({ ...bill, status: billStatus(bill, today), today }),
        'resolved',
        'bill_explanation',
      );
    }),

    Satisfaction: handler('Satisfaction', async (request, say) => {
      const reason = lastReason(request);
      const raw = request.slots?.score;
      const score = raw !== undefined && /^\d{1,2}$/.test(raw) ? Number(raw) : undefined;
      if (score === undefined || score > 10) {
        const text = raw === undefined ? say.surveyQuestion() : say.surveyOutOfRange();
        return reply(say.surveyTitle(), text, 'continued', reason, {
          kind: 'elicit',
          slot: 'score',
          slots: {},
        });
      }
      // The answer is about the conversation: it is stored against its last answered turn.
      const last = lastAnswered(request);
      if (last) await surveys.record({ interactionId: last.turnId, metric: 'nps', score, comment: null });
      return reply(say.surveyTitle(), say.surveyThanks(), 'resolved', reason, { kind: 'end' });
    }),
  };
}

/**
 * Alexa resolves a month or day said without a year ("January") to the coming one, but a bill
 * asked about is in the past: a date within the coming year means the same date a year earlier.
 */
function pastPeriod(period: string, today: string): string {
  const match = /^(\d{4})(-\d{2}(?:-\d{2})?)$/.exec(period);
  if (!match) return period;
  const now = today.slice(0, period.length);
  const yearEarlier = `${Number(match[1]) - 1}${match[2]}`;
  return period > now && yearEarlier <= now ? yearEarlier : period;
}

/**
 * The bill a spoken date points at: for a month or a day, the bill issued then, else the one whose
 * period covers it. Undefined when the date names none.
 */
function billFor<B extends { periodStart: string; periodEnd: string; issuedOn: string }>(
  bills: readonly B[],
  period: string,
): B | undefined {
  if (!/^\d{4}-\d{2}(-\d{2})?$/.test(period)) return undefined;
  const issued = bills.find((b) => b.issuedOn.startsWith(period));
  if (issued) return issued;
  const day = period.length === 7 ? `${period}-15` : period;
  return bills.find((b) => b.periodStart <= day && day <= b.periodEnd);
}
