import { invalidInput, standardChannels, type Payment, type Stores } from '../../core/index.ts';
import type { BillRecord, BulkLoader, CustomerRecord } from '../../core/storage/postgres-bulk-loader.ts';
import { billingWindow, billsForAccount, createBillNumbers } from './demo-bills.ts';
import { epochDay, romeDay } from './demo-calendar.ts';
import { generateCustomers } from './demo-customers.ts';
import { addEvent, createBillEvents } from './demo-demand.ts';
import { demoAdvisors } from './demo-advisors.ts';
import { generateInteractions } from './demo-interactions.ts';
import { payerFor, paymentsForBill } from './demo-payments.ts';
import { createDemoRandom } from './demo-random.ts';

export interface SeedDemoDataOptions {
  stores: Stores;
  bulk: BulkLoader;
  /** How many customers (default 3,000). */
  customers?: number;
  /** How many contacts over the last 12 months, exactly (default 60,000). */
  interactions?: number;
  /** The same seed (and `now`) always gives the same dataset, row for row (default 42). */
  seed?: number;
  /** The dataset ends here: bills up to the last full month, contacts up to the day before. */
  now: Date;
  onProgress?: (
    phase: 'customers' | 'bills' | 'advisors' | 'interactions',
    done: number,
    total: number,
  ) => void;
}

export interface DemoDataSummary {
  customers: number;
  accounts: number;
  bills: number;
  payments: number;
  advisors: number;
  interactions: number;
  /** True when the database already held customers, so nothing was written. */
  skipped: boolean;
}

const BILL_MONTHS = 14;
const CHUNK = 5000;
const CUSTOMER_BATCH = 1000;
// Independent streams: more interactions must not change the customers or the bills.
const STREAM = { customers: 1, bills: 2, advisors: 3, interactions: 4, stores: 5 } as const;

/**
 * Fills an empty database with a realistic, deterministic demo: customers in Italy with their
 * consents and accounts, 14 months of bills and payments, the advisors, and a year of contacts
 * on the existing channels. Does nothing when the database already holds customers.
 */
export async function seedDemoData(options: SeedDemoDataOptions): Promise<DemoDataSummary> {
  const { stores, bulk, now } = options;
  const customerCount = count(options.customers ?? 3000, 'customers');
  const interactionCount = count(options.interactions ?? 60_000, 'interactions');
  const seed = count(options.seed ?? 42, 'seed');
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) {
    throw invalidInput('now must be a valid date', [{ path: 'now', message: 'must be a valid date' }]);
  }
  const progress = options.onProgress ?? (() => {});
  const summary: DemoDataSummary = {
    customers: 0,
    accounts: 0,
    bills: 0,
    payments: 0,
    advisors: 0,
    interactions: 0,
    skipped: false,
  };
  const existing = await stores.customers.search({ limit: 1, offset: 0 });
  if (existing.total > 0) return { ...summary, skipped: true };

  for (const channel of standardChannels.filter((c) => c.kind === 'existing')) {
    if (!(await stores.channels.channel(channel.code))) await stores.channels.register(channel);
  }

  const today = romeDay(now);
  const window = billingWindow(today, BILL_MONTHS);
  const historyStartDay = epochDay(`${window.first.year}-${String(window.first.month).padStart(2, '0')}-01`);
  progress('customers', 0, customerCount);
  const customers = generateCustomers(createDemoRandom(seed, STREAM.customers), {
    count: customerCount,
    now,
    historyStartDay,
  });
  for (let i = 0; i < customers.length; i += CUSTOMER_BATCH) {
    const batch: CustomerRecord[] = customers.slice(i, i + CUSTOMER_BATCH).map((c) => c.record);
    summary.customers += await bulk.customers(batch);
    summary.accounts += batch.reduce((n, c) => n + c.accounts.length, 0);
    progress('customers', summary.customers, customers.length);
  }

  // Bills and payments, written as they accumulate; what the contacts need is kept as events.
  const billRandom = createDemoRandom(seed, STREAM.bills);
  const nextNumber = createBillNumbers();
  const events = createBillEvents();
  let bills: BillRecord[] = [];
  let payments: Payment[] = [];
  const flush = async () => {
    summary.bills += await bulk.bills(bills);
    summary.payments += await bulk.payments(payments);
    bills = [];
    payments = [];
  };
  progress('bills', 0, customers.length);
  for (const [done, { record, profile }] of customers.entries()) {
    const payer = payerFor(billRandom, profile.segment);
    for (const account of record.accounts) {
      for (const bill of billsForAccount(billRandom, account, profile.segment, window, nextNumber)) {
        const received = paymentsForBill(billRandom, bill, payer, now);
        bills.push(bill);
        payments.push(...received);
        if (bill.cancelled) continue;
        const due = epochDay(bill.dueOn);
        addEvent(events.issued, epochDay(bill.issuedOn), profile);
        addEvent(events.due, due, profile);
        // Still owing a week after the due date: the day reminders go out.
        const reminderDay = due + 7;
        const paidBy = received
          .filter((p) => romeDay(p.paidAt) <= reminderDay)
          .reduce((sum, p) => sum + p.amountCents, 0);
        if (reminderDay < today && paidBy < bill.amountCents) addEvent(events.overdue, reminderDay, profile);
      }
    }
    if (bills.length >= CHUNK) {
      await flush();
      progress('bills', done + 1, customers.length);
    }
  }
  await flush();
  progress('bills', customers.length, customers.length);

  const advisors = demoAdvisors(createDemoRandom(seed, STREAM.advisors));
  const known = new Set((await stores.advisors.advisors()).map((a) => a.email));
  progress('advisors', 0, advisors.length);
  for (const advisor of advisors) {
    if (known.has(advisor.email)) continue;
    await stores.advisors.addAdvisor(advisor);
    summary.advisors += 1;
  }
  progress('advisors', advisors.length, advisors.length);

  progress('interactions', 0, interactionCount);
  await generateInteractions({
    random: createDemoRandom(seed, STREAM.interactions),
    seed,
    total: interactionCount,
    now,
    customers: customers.map((c) => c.profile),
    events,
    chunkSize: CHUNK,
    async write(chunk) {
      summary.interactions += await stores.interactions.recordMany(chunk);
      progress('interactions', summary.interactions, interactionCount);
    },
  });
  return summary;
}

/**
 * Ids for the records the stores create themselves while seeding (journeys, advisors). Build
 * the seed's stores with it as `newId` and those ids repeat from run to run as well.
 */
export function demoIdGenerator(seed: number): () => string {
  return createDemoRandom(seed, STREAM.stores).uuid;
}

function count(value: number, field: string): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw invalidInput(`${field} must be a whole number, 0 or more`, [
      { path: field, message: 'must be a whole number, 0 or more' },
    ]);
  }
  return value;
}
