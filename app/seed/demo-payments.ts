import type { Payment, Segment, paymentMethods } from '../../core/index.ts';
import type { BillRecord } from '../../core/storage/postgres-bulk-loader.ts';
import { dayType, epochDay, isoDate, romeTime } from './demo-calendar.ts';
import { tableOf, type DemoRandom, type Table } from './demo-random.ts';

type Method = (typeof paymentMethods)[number];

/** How one customer pays: the method they set up and how reliably they pay on time. */
export interface Payer {
  method: Method;
  /** Chance that a bill is paid after its due date. */
  late: number;
  /** Chance that a bill is paid in instalments. */
  partial: number;
  /** Chance that a bill is never paid. */
  unpaid: number;
}

const methods: Record<Segment, Table<Method>> = {
  residential: tableOf<Method>({ direct_debit: 55, card: 18, postal_slip: 14, bank_transfer: 8, cash: 5 }),
  family: tableOf<Method>({ direct_debit: 58, card: 20, postal_slip: 12, bank_transfer: 6, cash: 4 }),
  senior: tableOf<Method>({ direct_debit: 40, postal_slip: 35, cash: 15, bank_transfer: 5, card: 5 }),
  young: tableOf<Method>({ card: 45, direct_debit: 40, bank_transfer: 10, postal_slip: 5 }),
  small_business: tableOf<Method>({ direct_debit: 50, bank_transfer: 45, card: 5 }),
  vulnerable: tableOf<Method>({ postal_slip: 35, direct_debit: 25, cash: 25, card: 15 }),
};
const habits = {
  punctual: { late: 0.03, partial: 0.01, unpaid: 0.002 },
  occasional: { late: 0.25, partial: 0.04, unpaid: 0.01 },
  chronic: { late: 0.65, partial: 0.1, unpaid: 0.04 },
  arrears: { late: 0.6, partial: 0.2, unpaid: 0.3 },
};
const cardChannels = tableOf({ web: 60, app: 25, call_centre: 10, shop: 5 });
const cashChannels = tableOf({ shop: 50, retail: 50 });

export function payerFor(random: DemoRandom, segment: Segment): Payer {
  const fragile = segment === 'vulnerable';
  const habit = random.draw(
    tableOf<keyof typeof habits>({
      punctual: fragile ? 50 : 78,
      occasional: fragile ? 25 : 15,
      chronic: fragile ? 15 : 5,
      arrears: fragile ? 10 : 2,
    }),
  );
  return { method: random.draw(methods[segment]), ...habits[habit] };
}

/**
 * The payments received against one bill up to `now`: most on time, some late, some in
 * instalments, a few never; anything that would fall after `now` has not happened yet.
 */
export function paymentsForBill(random: DemoRandom, bill: BillRecord, payer: Payer, now: Date): Payment[] {
  if (bill.cancelled || bill.amountCents <= 0 || random.chance(payer.unpaid)) return [];
  const issued = epochDay(bill.issuedOn);
  const due = epochDay(bill.dueOn);
  let method = payer.method;
  let late = random.chance(payer.late);
  if (method === 'direct_debit') {
    // A direct debit is collected on the due date unless the bank rejects it; then the customer pays by hand, late.
    if (!random.chance(payer.late * 0.3 + 0.01)) {
      return [payment(random, bill, due, method, 'bank', now)].filter((p): p is Payment => p !== null);
    }
    method = random.chance(0.6) ? 'card' : 'postal_slip';
    late = true;
  }
  const onTimeDay = () => due - Math.floor(random.next() ** 2 * Math.max(0, due - issued - 1));
  const lateDay = () => due + Math.min(150, Math.ceil(random.logNormal(9, 0.8)));
  const channel = channelFor(random, method);
  const payments: Payment[] = [];
  if (random.chance(payer.partial)) {
    const instalments = random.int(2, 3);
    const first = Math.round(bill.amountCents * (0.4 + 0.2 * random.next()));
    const each = Math.floor((bill.amountCents - first) / (instalments - 1));
    const parts = [first, ...Array.from({ length: instalments - 2 }, () => each)];
    parts.push(bill.amountCents - parts.reduce((sum, part) => sum + part, 0));
    let day = late ? lateDay() : onTimeDay();
    for (const amount of parts) {
      const made = amount > 0 ? payment(random, bill, day, method, channel, now, amount) : null;
      if (made) payments.push(made);
      day += random.int(25, 35);
    }
    return payments;
  }
  const made = payment(random, bill, late ? lateDay() : onTimeDay(), method, channel, now);
  return made ? [made] : [];
}

function channelFor(random: DemoRandom, method: Method): string {
  switch (method) {
    case 'card':
      return random.draw(cardChannels);
    case 'cash':
      return random.draw(cashChannels);
    case 'postal_slip':
      return 'post_office';
    default:
      return 'bank';
  }
}

// Local hours at which each channel takes payments; counters are closed on Sundays and holidays.
const paymentHours: Record<string, [number, number]> = {
  bank: [6, 8],
  web: [7, 23],
  app: [7, 23],
  call_centre: [9, 18],
  shop: [9, 18],
  retail: [8, 19],
  post_office: [8, 18],
};

function payment(
  random: DemoRandom,
  bill: BillRecord,
  day: number,
  method: Method,
  channel: string,
  now: Date,
  amountCents = bill.amountCents,
): Payment | null {
  let when = day;
  if (channel !== 'web' && channel !== 'app') while (dayType(when) === 2) when += 1;
  const [from, to] = paymentHours[channel] ?? [9, 18];
  const paidAt = romeTime(isoDate(when), random.int(from, to - 1), random.int(0, 59), random.int(0, 59));
  if (paidAt >= now) return null;
  return {
    id: random.uuid(),
    customerId: bill.customerId,
    billId: bill.id,
    amountCents,
    paidAt,
    method,
    channel,
    reference: null,
  };
}
