import { daysBetween } from './clock.ts';
import { z } from 'zod';
import { createExpiringCache, type ExpiringCacheOptions } from './expiring-cache.ts';
import { Cents, Instant, IsoDate, Slug, Uuid } from './vocabulary.ts';

export const consumptionUnits = ['kWh', 'Smc', 'm3', 'GB', 'min'] as const;

export const BillLine = z.object({
  /** What the line charges for: energy, transport, system_charges, taxes, vat, fixed_fee… */
  code: Slug,
  description: z.string().trim().min(1).max(200),
  amountCents: Cents,
  quantity: z.number().nonnegative().nullable().default(null),
  unit: z.enum(consumptionUnits).nullable().default(null),
});
export type BillLine = z.infer<typeof BillLine>;

export const BillInput = z
  .object({
    accountId: Uuid,
    number: z.string().trim().min(1).max(40),
    periodStart: IsoDate,
    periodEnd: IsoDate,
    issuedOn: IsoDate,
    dueOn: IsoDate,
    currency: z.literal('EUR').default('EUR'),
    consumption: z.object({ quantity: z.number().nonnegative(), unit: z.enum(consumptionUnits) }).nullable(),
    lines: z.array(BillLine).min(1, { error: 'a bill has at least one line' }),
    cancelled: z.boolean().default(false),
  })
  .refine((b) => b.periodStart <= b.periodEnd, {
    error: 'must not end before it starts',
    path: ['periodEnd'],
  })
  .refine((b) => b.issuedOn <= b.dueOn, { error: 'must not fall before the issue date', path: ['dueOn'] });
export type BillInput = z.input<typeof BillInput>;

export interface Bill {
  id: string;
  accountId: string;
  customerId: string;
  number: string;
  periodStart: string;
  periodEnd: string;
  issuedOn: string;
  dueOn: string;
  currency: 'EUR';
  /** The sum of the lines: stored once, at issue, the way the customer received it. */
  amountCents: number;
  consumption: { quantity: number; unit: (typeof consumptionUnits)[number] } | null;
  lines: BillLine[];
  cancelled: boolean;
  /** Received against this bill so far. */
  paidCents: number;
}

export const paymentMethods = ['card', 'direct_debit', 'bank_transfer', 'postal_slip', 'cash'] as const;
export type PaymentMethod = (typeof paymentMethods)[number];

export const PaymentInput = z.object({
  customerId: Uuid,
  billId: Uuid.nullable().default(null),
  amountCents: Cents.positive({ error: 'must be more than zero' }),
  paidAt: Instant,
  method: z.enum(paymentMethods),
  /** The channel the payment came through (web, app, shop, bank, call_centre…). */
  channel: Slug,
  /** The payment provider's reference; a second payment with the same one is refused as a conflict. */
  reference: z.string().trim().min(1).max(200).nullable().default(null),
});
export type PaymentInput = z.input<typeof PaymentInput>;
export type Payment = z.infer<typeof PaymentInput> & { id: string };

/** Port: bills and the payments against them. */
export interface Billing {
  issueBill(input: BillInput): Promise<Bill>;
  bill(id: string): Promise<Bill | undefined>;
  /** Newest first. */
  bills(customerId: string, options?: { accountId?: string; limit?: number }): Promise<Bill[]>;
  /** Bills with something still to pay, oldest due first. */
  openBills(customerId: string): Promise<Bill[]>;
  /**
   * For each bill given, in the same order: the bill of the same account just before, and the one
   * a year before, its period (one read however many bills are asked about).
   */
  comparables(bills: readonly Bill[]): Promise<Comparables[]>;
  recordPayment(input: PaymentInput): Promise<Payment>;
  /** Newest first. */
  payments(customerId: string, options?: { limit?: number }): Promise<Payment[]>;
  /**
   * The newest payment, with the account of the bill it paid (null when it paid no bill): one
   * read, for a customer asking which bill their last payment went to.
   */
  lastPayment(customerId: string): Promise<(Payment & { accountId: string | null }) | undefined>;
}

/**
 * Billing with what a conversation reads on its bill questions reused for a while, as its
 * supplies are (see cachedAccounts): a customer's open bills, latest bills and last payment.
 * A bill issued or a payment recorded through it forgets its customer's at once; one recorded
 * elsewhere (the payment page, an import, another instance) is forgotten when the database tells
 * of it: with `options.told`, every instance hears of each customer whose bills or payments
 * change, as the change commits, and answers are kept a minute; without, up to 5 s.
 */
export function cachedBilling(billing: Billing, options: ExpiringCacheOptions = {}): Billing {
  const open = createExpiringCache<Bill[]>(options);
  const last = createExpiringCache<Awaited<ReturnType<Billing['lastPayment']>>>(options);
  // Up to three years of a customer's bills a key: fewer kept than the smaller answers.
  const latest = createExpiringCache<{ limit: number; bills: Bill[] }>({ maxEntries: 1_000, ...options });
  const forget = (customerId: string) => [open, last, latest].forEach((cache) => cache.forget(customerId));
  const latestOf = (customerId: string, limit: number) =>
    latest.get(customerId, async () => ({ limit, bills: await billing.bills(customerId, { limit }) }));
  return {
    ...billing,
    async issueBill(input) {
      const bill = await billing.issueBill(input);
      forget(bill.customerId);
      return bill;
    },
    async recordPayment(input) {
      try {
        return await billing.recordPayment(input);
      } finally {
        forget(input.customerId);
      }
    },
    openBills: (customerId) => open.get(customerId, () => billing.openBills(customerId)),
    lastPayment: (customerId) => last.get(customerId, () => billing.lastPayment(customerId)),
    async bills(customerId, options = {}) {
      const { accountId, limit } = options;
      if (accountId !== undefined || limit === undefined) return billing.bills(customerId, options);
      let kept = await latestOf(customerId, limit);
      if (kept.limit < limit) {
        latest.forget(customerId);
        kept = await latestOf(customerId, limit);
      }
      return kept.bills.slice(0, limit);
    },
  };
}

/** The bills a bill is compared with. */
export interface Comparables {
  previous: Bill | undefined;
  yearAgo: Bill | undefined;
}

export type BillStatus = 'paid' | 'partially_paid' | 'unpaid' | 'overdue' | 'cancelled';

export function billStatus(bill: Bill, today: string): BillStatus {
  if (bill.cancelled) return 'cancelled';
  if (bill.paidCents >= bill.amountCents) return 'paid';
  if (bill.dueOn < today) return 'overdue';
  return bill.paidCents > 0 ? 'partially_paid' : 'unpaid';
}

export interface Balance {
  /** Everything still to pay. */
  owedCents: number;
  /** Of which already past its due date. */
  overdueCents: number;
  /** The earliest date something falls due from today on, and how much falls due then. */
  nextDue: { dueOn: string; amountCents: number } | null;
  openBills: { billId: string; number: string; dueOn: string; owedCents: number; status: BillStatus }[];
}

/** What the customer owes, and by when. */
export function balance(openBills: readonly Bill[], today: string): Balance {
  const open = openBills
    .filter((b) => !b.cancelled && b.paidCents < b.amountCents)
    .map((b) => ({
      billId: b.id,
      number: b.number,
      dueOn: b.dueOn,
      owedCents: b.amountCents - b.paidCents,
      status: billStatus(b, today),
    }))
    .sort((a, b) => a.dueOn.localeCompare(b.dueOn));
  const upcoming = open.filter((b) => b.dueOn >= today);
  const firstDue = upcoming[0]?.dueOn;
  return {
    owedCents: sum(open.map((b) => b.owedCents)),
    overdueCents: sum(open.filter((b) => b.status === 'overdue').map((b) => b.owedCents)),
    nextDue:
      firstDue === undefined
        ? null
        : {
            dueOn: firstDue,
            amountCents: sum(upcoming.filter((b) => b.dueOn === firstDue).map((b) => b.owedCents)),
          },
    openBills: open,
  };
}

export interface Change {
  /** Current minus earlier. */
  delta: number;
  /** Relative change; null when the earlier value was zero. */
  ratio: number | null;
}

export interface BillComparison {
  billId: string;
  against: { previous: string | null; yearAgo: string | null };
  periodDays: { current: number; previous: number | null; yearAgo: number | null };
  amount: { vsPrevious: Change | null; vsYearAgo: Change | null };
  consumption: { unit: string; vsPrevious: Change | null; vsYearAgo: Change | null } | null;
  /** Consumption per day, so that a longer period is not mistaken for higher use. */
  dailyConsumption: { current: number; previous: number | null; yearAgo: number | null } | null;
  /** Every line code in either bill, the largest movement against the previous bill first. */
  lines: {
    code: string;
    description: string;
    currentCents: number;
    previousCents: number | null;
    yearAgoCents: number | null;
    vsPrevious: Change | null;
  }[];
  direction: 'higher' | 'lower' | 'same' | 'no_previous';
}

/** Why the bill is higher (or lower): against the previous period and the same period a year before. */
export function compareBill(current: Bill, previous?: Bill, yearAgo?: Bill): BillComparison {
  const days = (b: Bill) => daysBetween(b.periodStart, b.periodEnd) + 1;
  const sameUnit = (b?: Bill) =>
    b?.consumption && current.consumption && b.consumption.unit === current.consumption.unit ? b : undefined;
  const perDay = (b?: Bill) => (b?.consumption ? round(b.consumption.quantity / days(b), 3) : null);
  const lineAmount = (b: Bill | undefined, code: string) =>
    b ? sum(b.lines.filter((l) => l.code === code).map((l) => l.amountCents)) : null;

  const codes = [...new Set([...current.lines, ...(previous?.lines ?? [])].map((l) => l.code))];
  const lines = codes
    .map((code) => {
      const currentCents = lineAmount(current, code) ?? 0;
      const previousCents = lineAmount(previous, code);
      const description =
        [...current.lines, ...(previous?.lines ?? [])].find((l) => l.code === code)?.description ?? code;
      return {
        code,
        description,
        currentCents,
        previousCents,
        yearAgoCents: lineAmount(yearAgo, code),
        vsPrevious: previousCents === null ? null : change(currentCents, previousCents),
      };
    })
    .sort((a, b) => Math.abs(b.vsPrevious?.delta ?? 0) - Math.abs(a.vsPrevious?.delta ?? 0));

  const vsPrevious = previous ? change(current.amountCents, previous.amountCents) : null;
  const comparableConsumption = (b?: Bill) => sameUnit(b)?.consumption?.quantity;
  return {
    billId: current.id,
    against: { previous: previous?.id ?? null, yearAgo: yearAgo?.id ?? null },
    periodDays: {
      current: days(current),
      previous: previous ? days(previous) : null,
      yearAgo: yearAgo ? days(yearAgo) : null,
    },
    amount: { vsPrevious, vsYearAgo: yearAgo ? change(current.amountCents, yearAgo.amountCents) : null },
    consumption: current.consumption
      ? {
          unit: current.consumption.unit,
          vsPrevious: optionalChange(current.consumption.quantity, comparableConsumption(previous)),
          vsYearAgo: optionalChange(current.consumption.quantity, comparableConsumption(yearAgo)),
        }
      : null,
    dailyConsumption: current.consumption
      ? {
          current: perDay(current) ?? 0,
          previous: perDay(sameUnit(previous)),
          yearAgo: perDay(sameUnit(yearAgo)),
        }
      : null,
    lines,
    direction: !vsPrevious
      ? 'no_previous'
      : vsPrevious.delta > 0
        ? 'higher'
        : vsPrevious.delta < 0
          ? 'lower'
          : 'same',
  };
}

function change(current: number, earlier: number): Change {
  return {
    delta: round(current - earlier, 3),
    ratio: earlier === 0 ? null : round((current - earlier) / earlier, 4),
  };
}

function optionalChange(current: number, earlier: number | undefined): Change | null {
  return earlier === undefined ? null : change(current, earlier);
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
