import { balance, billStatus, type Bill, type Billing, type Change } from '../billing.ts';
import {
  balanceBySupply,
  billChanges,
  billForDate,
  latestBills,
  risenBills,
  suppliesOf,
  type BillChange,
  type Supply,
} from '../supplies.ts';
import { DateTime } from 'luxon';
import { calendarDate, daysBetween, type Clock } from '../clock.ts';
import { accountKinds, type CustomerDirectory } from '../customers.ts';
import type { Locale } from '../vocabulary.ts';
import { billMessages, type BillMessages } from './bill-messages.ts';
import { sayLine } from './messages.ts';
import {
  intentGroup,
  reply,
  type IntentHandler,
  type IntentReply,
  type TurnRequest,
} from './conversation.ts';
import { serviceMessages } from './service-messages.ts';

export const billIntentNames = ['WhatDoIOwe', 'LastPayment', 'WhyHigher', 'BillDetail'] as const;
export type BillIntentName = (typeof billIntentNames)[number];

export interface BillIntentsOptions {
  /** Each question reads only what it answers: a voice turn must stay fast under load. */
  billing: Billing;
  /** The customer's accounts: the supplies bills are named by. */
  customers: Pick<CustomerDirectory, 'accounts'>;
  clock: Clock;
  /** Told of every failure that was turned into an apology, so that it can be logged. */
  onError?: (error: unknown, at: { intent: BillIntentName; customerId: string }) => void;
}

const reasons: Record<BillIntentName, string> = {
  WhatDoIOwe: 'payment',
  LastPayment: 'payment',
  WhyHigher: 'bill_explanation',
  BillDetail: 'bill_explanation',
};

/** The latest bills a question about bills reads (three years of one supply billed monthly). */
const BILLS_READ = 36;

/** The `supply` slot's value that asks for every supply one by one. */
export const EACH_SUPPLY = 'each';

type Ask<T> = { request: TurnRequest; say: BillMessages; today: string; supplies: Supply[]; read: T };

/**
 * The request with its `supply` only when that names a kind of supply (or each one). A word the
 * platform could not resolve to one (Alexa sends it as said, with ER_SUCCESS_NO_MATCH: "la bolletta
 * del metano", "the water utility") is heard as no supply named, never as a kind the customer lacks.
 */
function withKnownSupply(request: TurnRequest): TurnRequest {
  const supply = request.slots?.supply;
  if (supply === undefined || supply === EACH_SUPPLY || (accountKinds as readonly string[]).includes(supply))
    return request;
  const slots = Object.fromEntries(Object.entries(request.slots ?? {}).filter(([name]) => name !== 'supply'));
  return { ...request, slots };
}

/**
 * The supplies a question is about: the one an offer named (`account`), those of the kind the
 * customer said (`supply`), or all of them. Undefined when the customer named a kind they do not have.
 */
function chosen(supplies: Supply[], slots: TurnRequest['slots'] = {}): Supply[] | undefined {
  const named = slots.account
    ? supplies.filter((s) => s.accountId === slots.account)
    : slots.supply && slots.supply !== EACH_SUPPLY
      ? supplies.filter((s) => s.kind === slots.supply)
      : supplies;
  return named.length > 0 ? named : undefined;
}

export function createBillIntents(options: BillIntentsOptions): Record<BillIntentName, IntentHandler> {
  const { billing, customers, clock, onError } = options;

  const group = intentGroup<BillIntentName, BillMessages>({
    messages: billMessages,
    apology: (say, intent) => reply(say.apologyTitle(), say.apology(), 'failed', reasons[intent]),
    onError,
  });
  // Each question's own read goes out beside the supplies' (one wait for both, not one after the other).
  const handler = <T>(
    intent: BillIntentName,
    read: (customerId: string) => Promise<T>,
    answer: (ask: Ask<T>) => Promise<IntentReply>,
  ): IntentHandler =>
    group(intent, async (request, say) => {
      const [accounts, found] = await Promise.all([
        customers.accounts(request.customerId),
        read(request.customerId),
      ]);
      return answer({
        request: withKnownSupply(request),
        say,
        today: calendarDate(clock.now()),
        supplies: suppliesOf(accounts),
        read: found,
      });
    });
  const latestBillsOf = (customerId: string) => billing.bills(customerId, { limit: BILLS_READ });

  // Paying is the likely next step after hearing what is owed: offered, and sent on "yes".
  const owedReply = (say: BillMessages, locale: Locale, sentences: string[]) =>
    reply(
      say.owedTitle(),
      [...sentences, serviceMessages[locale].offerPaymentLink()].join(' '),
      'resolved',
      reasons.WhatDoIOwe,
      { kind: 'offer', intent: 'PayBill' },
    );

  return {
    WhatDoIOwe: handler(
      'WhatDoIOwe',
      (customerId) => billing.openBills(customerId),
      async ({ request, say, today, supplies, read: open }) => {
        const { locale, slots = {} } = request;
        const resolved = (text: string) => reply(say.owedTitle(), text, 'resolved', reasons.WhatDoIOwe);
        const selected = chosen(supplies, slots);
        if (!selected) return resolved(say.noSuchSupply());
        const perSupply = balanceBySupply(selected, open, today);
        if (slots.supply || slots.account) {
          if (perSupply.length === 0) return resolved(say.nothingOwedOn({ supplies: selected }));
          return owedReply(
            say,
            locale,
            perSupply.map((owed) => say.owedOn({ ...owed, today })),
          );
        }
        const total = balance(open, today);
        if (total.owedCents <= 0) return resolved(say.nothingOwed());
        const dueNext = new Set(
          total.openBills.filter((b) => b.dueOn === total.nextDue?.dueOn).map((b) => b.billId),
        );
        const nextDueOn = selected.filter((s) =>
          open.some((b) => b.accountId === s.accountId && dueNext.has(b.id)),
        );
        return owedReply(say, locale, [
          say.owed({ balance: total, owing: perSupply.map((p) => p.supply), nextDueOn, today }),
          ...(perSupply.length > 1 ? [say.offerBreakdown()] : []),
        ]);
      },
    ),

    LastPayment: handler(
      'LastPayment',
      (customerId) => billing.lastPayment(customerId),
      async ({ say, today, supplies, read: last }) => {
        return reply(
          say.lastPaymentTitle(),
          last
            ? say.lastPayment({
                amountCents: last.amountCents,
                paidOn: calendarDate(last.paidAt),
                method: last.method,
                today,
                supply: supplies.find((s) => s.accountId === last.accountId),
              })
            : say.noPayments(),
          'resolved',
          reasons.LastPayment,
        );
      },
    ),

    WhyHigher: handler('WhyHigher', latestBillsOf, async ({ request, say, supplies, read: bills }) => {
      const { locale, slots = {} } = request;
      const resolved = (text: string, next?: IntentReply['next']) =>
        reply(say.whyHigherTitle(), text, 'resolved', reasons.WhyHigher, next);
      const selected = chosen(supplies, slots);
      if (!selected) return resolved(say.noSuchSupply());
      const supplyOf = (bill: Bill) => supplies.find((s) => s.accountId === bill.accountId) as Supply;
      const changes = await billChanges(latestBills(supplies, bills), (bills) => billing.comparables(bills));
      const mine = changes.filter((c) => selected.some((s) => s.accountId === c.bill.accountId));
      if (mine.length === 0) return resolved(say.noBill());
      const risen = risenBills(changes);
      // What was asked about is explained whether it rose or not; otherwise only what rose.
      const named = Boolean(slots.supply || slots.account) || changes.length === 1;
      const explained = named ? [...mine].sort((a, b) => delta(b) - delta(a)) : risen;
      const [first] = explained;
      if (!first) return resolved(say.noneRose());
      const intro = named
        ? []
        : risen.length > 1
          ? [
              say.severalRose({
                risen: risen.map((r) => ({ supply: supplyOf(r.bill), deltaCents: delta(r) })),
              }),
              say.startWith({ supply: supplyOf(first.bill) }),
            ]
          : [say.onlyOneRose({ supply: supplyOf(first.bill) })];
      // Next: the following one of those asked about, or the next one that rose after an offered one.
      const order = slots.account ? risen : explained;
      const next = order[order.findIndex((c) => c.bill.id === first.bill.id) + 1];
      const text = [...intro, explain(first, supplyOf(first.bill), say, locale)];
      if (!next) return resolved(text.join(' '));
      return resolved([...text, say.offerToExplain({ supply: supplyOf(next.bill) })].join(' '), {
        kind: 'offer',
        intent: 'WhyHigher',
        slots: { account: next.bill.accountId },
      });
    }),

    BillDetail: handler(
      'BillDetail',
      latestBillsOf,
      async ({ request, say, today, supplies, read: bills }) => {
        const { slots = {} } = request;
        const answer = (text: string) => reply(say.billTitle(), text, 'resolved', reasons.BillDetail);
        const selected = chosen(supplies, slots);
        if (!selected) return answer(say.noSuchSupply());
        // Bills are looked up by a month or a day; a week or a year said finds none.
        if (slots.period && !/^\d{4}-\d{2}(-\d{2})?$/.test(slots.period)) return answer(say.noBillFor());
        const date = slots.period ? pastPeriod(slots.period, today) : undefined;
        const found = selected.flatMap((supply) => {
          const own = bills.filter((b) => b.accountId === supply.accountId);
          const pick = date
            ? billForDate(own, date)
            : latestBills([supply], own).map((bill) => ({ bill, reading: 'issued' as const }))[0];
          return pick ? [{ supply, ...pick }] : [];
        });
        if (bills.length === 0) return answer(say.noBills());
        if (found.length === 0) {
          // Never another bill read as if it were the one asked: none is said, the nearest offered.
          const near = date ? nearestBill(selected, bills, date, bills.length < BILLS_READ) : undefined;
          const text = say.noBillIn({
            date,
            supplies: selected,
            today,
            ...(near && {
              nearest: {
                bill: { ...near.bill, supply: near.supply, status: billStatus(near.bill, today) },
                place: near.place,
              },
            }),
          });
          if (!near) return answer(text);
          return reply(say.billTitle(), text, 'resolved', reasons.BillDetail, {
            kind: 'offer',
            intent: 'BillDetail',
            slots: { account: near.bill.accountId, period: near.bill.issuedOn },
          });
        }
        // Bills of different kinds could each be "the" bill: the customer says which.
        const kinds = new Set(found.map((f) => f.supply.kind));
        if (kinds.size > 1 && !slots.supply && !slots.account) {
          return reply(
            say.billTitle(),
            say.askSupply({ supplies: found.map((f) => f.supply) }),
            'continued',
            reasons.BillDetail,
            {
              kind: 'elicit',
              slot: 'supply',
              slots: { ...slots, supply: undefined },
              choices: [...kinds],
            },
          );
        }
        return answer(
          found
            .map(({ supply, bill, reading }) =>
              say.billDetail({
                bill: { ...bill, supply, status: billStatus(bill, today) },
                date,
                reading,
                today,
              }),
            )
            .join(' '),
        );
      },
    ),
  };
}

/**
 * Of the supplies' bills, the one whose period comes nearest to `date` (a month or a day), and
 * whether it is its supply's first (the date is before every bill, all of them read) or latest
 * (after every bill).
 */
function nearestBill(supplies: Supply[], bills: Bill[], date: string, allRead: boolean) {
  const from = date.length === 7 ? `${date}-01` : date;
  const to = date.length === 7 ? (DateTime.fromISO(`${date}-01`).endOf('month').toISODate() as string) : date;
  let best: { bill: Bill; supply: Supply; gap: number; own: Bill[] } | undefined;
  for (const supply of supplies) {
    const own = bills.filter((b) => b.accountId === supply.accountId && !b.cancelled);
    for (const bill of own) {
      const gap =
        bill.periodEnd < from
          ? daysBetween(bill.periodEnd, from)
          : bill.periodStart > to
            ? daysBetween(to, bill.periodStart)
            : 0;
      if (!best || gap < best.gap) best = { bill, supply, gap, own };
    }
  }
  if (!best) return undefined;
  const { bill, supply, own } = best;
  const place =
    to < bill.periodStart && allRead && own.every((b) => b.periodStart >= bill.periodStart)
      ? ('first' as const)
      : from > bill.periodEnd && own.every((b) => b.periodEnd <= bill.periodEnd)
        ? ('latest' as const)
        : ('nearest' as const);
  return { bill, supply, place };
}

const delta = (change: BillChange) => change.comparison.amount.vsPrevious?.delta ?? 0;

function explain(
  { bill, comparison }: BillChange,
  supply: Supply,
  say: BillMessages,
  locale: Locale,
): string {
  const { amount, consumption, lines } = comparison;
  const amountCents = bill.amountCents;
  if (comparison.direction === 'no_previous' || !amount.vsPrevious)
    return say.noPreviousBill({ supply, amountCents });
  const sentences = [
    say.vsPrevious({
      supply,
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
