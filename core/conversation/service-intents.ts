import { balance, type Billing } from '../billing.ts';
import { calendarDate, type Clock } from '../clock.ts';
import type { CallbackQueue } from '../callbacks.ts';
import type { CustomerDirectory } from '../customers.ts';
import type { PaymentLinks } from '../payment-links.ts';
import type { SurveyAnswers } from '../surveys.ts';
import { GENERAL_REASON, intentGroup, reply, type IntentHandler, type TurnRequest } from './conversation.ts';
import { serviceMessages, type ServiceMessages } from './service-messages.ts';

export const serviceIntentNames = ['PayBill', 'TalkToPerson', 'Satisfaction'] as const;
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
  /**
   * Resolves once the turns answered so far are in the log: the score is stored against one of
   * them, which a quick answer can outrun.
   */
  written?: () => Promise<void>;
  /** Told of every failure that was turned into an apology, so that it can be logged. */
  onError?: (error: unknown, at: { intent: ServiceIntentName; customerId: string }) => void;
  /**
   * The channel shows the payment link's address itself (a chat): a customer who may not be
   * messaged still gets it there, and nothing is sent.
   */
  showsLinks?: boolean;
}): Record<ServiceIntentName, IntentHandler> {
  const { billing, customers, paymentLinks, callbacks, surveys, clock } = options;

  // The satisfaction question is about the conversation, not a turn of it: its re-asks do not count.
  const lastAnswered = (request: TurnRequest) =>
    request.history?.filter((turn) => turn.intent !== 'Satisfaction').at(-1);
  const lastReason = (request: TurnRequest) => lastAnswered(request)?.reason ?? GENERAL_REASON;
  // The reason each turn is logged under, its apology's too.
  const reasons: Record<ServiceIntentName, (request: TurnRequest) => string> = {
    PayBill: () => 'payment',
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
      if (!sent && options.showsLinks) {
        const url = paymentLinks.issue({ customerId, fromInteractionId: turnId });
        const text = `${say.payCard({ owedCents, url })} ${say.shownNotSent()}`;
        return reply(say.payTitle(), text, 'resolved', 'payment');
      }
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
        say.callbackRequested({ phoneEnd: customer.phone.slice(-3), summarized: asked.length > 0 }),
        'handed_off',
        reason,
        { kind: 'end' },
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
      if (last) await options.written?.();
      if (last) await surveys.record({ interactionId: last.turnId, metric: 'nps', score, comment: null });
      return reply(say.surveyTitle(), say.surveyThanks(), 'resolved', reason, { kind: 'end' });
    }),
  };
}
