import {
  balance,
  calendarDate,
  compareBill,
  type BillComparison,
  type Billing,
  type Change,
  type Clock,
  type Locale,
} from '../../core/index.ts';
import { billMessages, sayLine, type BillMessages } from './messages.ts';
import { intentGroup, reply, type IntentHandler, type NextStep } from './conversation.ts';
import { serviceMessages } from './service-messages.ts';

export const billIntentNames = ['WhatDoIOwe', 'LastPayment', 'WhyHigher'] as const;
export type BillIntentName = (typeof billIntentNames)[number];

export interface BillIntentsOptions {
  /** Each question reads only what it answers: a voice turn must stay fast under load. */
  billing: Billing;
  clock: Clock;
  /** Told of every failure that was turned into an apology, so that it can be logged. */
  onError?: (error: unknown, at: { intent: BillIntentName; customerId: string }) => void;
}

const reasons: Record<BillIntentName, string> = {
  WhatDoIOwe: 'payment',
  LastPayment: 'payment',
  WhyHigher: 'bill_explanation',
};

type Answer = (
  customerId: string,
  say: BillMessages,
  today: string,
  locale: Locale,
) => Promise<{ title: string; text: string; next?: NextStep }>;

export function createBillIntents(options: BillIntentsOptions): Record<BillIntentName, IntentHandler> {
  const { billing, clock, onError } = options;

  const group = intentGroup<BillIntentName, BillMessages>({
    messages: billMessages,
    apology: (say, intent) => reply(say.apologyTitle(), say.apology(), 'failed', reasons[intent]),
    onError,
  });
  const handler = (intent: BillIntentName, answer: Answer): IntentHandler =>
    group(intent, async ({ customerId, locale }, say) => {
      const { title, text, next } = await answer(customerId, say, calendarDate(clock.now()), locale);
      return reply(title, text, 'resolved', reasons[intent], next);
    });

  return {
    WhatDoIOwe: handler('WhatDoIOwe', async (customerId, say, today, locale) => {
      const owing = balance(await billing.openBills(customerId), today);
      if (owing.owedCents <= 0) return { title: say.owedTitle(), text: say.nothingOwed() };
      const owed = say.owed({
        owedCents: owing.owedCents,
        overdueCents: owing.overdueCents,
        nextDue: owing.nextDue,
        today,
      });
      // Paying is the likely next step: offered here, sent on "yes".
      return {
        title: say.owedTitle(),
        text: `${owed} ${serviceMessages[locale].offerPaymentLink()}`,
        next: { kind: 'offer', intent: 'PayBill' },
      };
    }),

    LastPayment: handler('LastPayment', async (customerId, say, today) => {
      const [last] = await billing.payments(customerId, { limit: 1 });
      return {
        title: say.lastPaymentTitle(),
        text: last
          ? say.lastPayment({
              amountCents: last.amountCents,
              paidOn: calendarDate(last.paidAt),
              method: last.method,
              today,
            })
          : say.noPayments(),
      };
    }),

    WhyHigher: handler('WhyHigher', async (customerId, say, _today, locale) => {
      // The latest issued open bill is the one the customer has in hand and is asking about.
      const open = await billing.openBills(customerId);
      const latest = [...open].sort((a, b) => b.issuedOn.localeCompare(a.issuedOn))[0];
      const title = say.whyHigherTitle();
      if (!latest) return { title, text: say.noOpenBill() };
      const { previous, yearAgo } = await billing.comparables(latest);
      return {
        title,
        text: explain(latest.amountCents, compareBill(latest, previous, yearAgo), say, locale),
      };
    }),
  };
}

function explain(amountCents: number, comparison: BillComparison, say: BillMessages, locale: Locale): string {
  const { amount, consumption, lines } = comparison;
  if (comparison.direction === 'no_previous' || !amount.vsPrevious)
    return say.noPreviousBill({ amountCents });
  const sentences = [
    say.vsPrevious({
      amountCents,
      direction: comparison.direction,
      deltaCents: Math.abs(amount.vsPrevious.delta),
    }),
    amount.vsYearAgo
      ? say.vsYearAgo({
          direction: direction(amount.vsYearAgo),
          deltaCents: Math.abs(amount.vsYearAgo.delta),
        })
      : say.noYearAgo(),
  ];
  // Lines are sorted by movement already; a line that did not move explains nothing.
  const moved = lines[0];
  if (moved?.vsPrevious && moved.vsPrevious.delta !== 0) {
    sentences.push(
      say.lineMoved({
        line: sayLine(locale, moved.code, moved.description),
        direction: direction(moved.vsPrevious),
        deltaCents: Math.abs(moved.vsPrevious.delta),
      }),
    );
  }
  if (consumption?.vsPrevious) {
    sentences.push(
      say.consumptionMoved({
        direction: direction(consumption.vsPrevious),
        delta: Math.abs(consumption.vsPrevious.delta),
        unit: consumption.unit,
      }),
    );
  }
  return sentences.join(' ');
}

function direction(change: Change): 'higher' | 'lower' | 'same' {
  return change.delta > 0 ? 'higher' : change.delta < 0 ? 'lower' : 'same';
}
