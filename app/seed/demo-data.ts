import { setImmediate as nextTurn } from 'node:timers/promises';
import {
  invalidInput,
  standardChannels,
  type InteractionLoader,
  type Payment,
  type Stores,
} from '../../core/index.ts';
import type { BillRecord, BulkLoader, CustomerRecord } from '../../core/storage/postgres-bulk-loader.ts';
import { billingWindow, billsForAccount, createBillNumbers } from './demo-bills.ts';
import { epochDay, romeDay } from './demo-calendar.ts';
import { generateCustomers } from './demo-customers.ts';
import { addEvent, createBillEvents } from './demo-demand.ts';
import { demoAdvisors } from './demo-advisors.ts';
import { generateInteractions, type DemoInteraction } from './demo-interactions.ts';
import { payerFor, paymentsForBill } from './demo-payments.ts';
import { createPilotEvidence } from './demo-pilot-evidence.ts';
import { demoPilotPlans, startDemoPilots, type RunningDemoPilot } from './demo-pilots.ts';
import { createDemoRandom } from './demo-random.ts';

export interface SeedDemoDataOptions {
  stores: Stores;
  bulk: BulkLoader;
  /** The year of contacts goes through one load: placed in memory and written in one pass. */
  contacts: InteractionLoader;
  /** How many customers (default 3,000). */
  customers?: number;
  /**
   * How many contacts over the last 12 months, exactly (default 60,000). The pilots' contacts are
   * among them: a pilot-arm customer's call moved onto the pilot channel, not one more contact.
   */
  interactions?: number;
  /**
   * Run the two demo pilots (a voice assistant for bills, video consultations for billing
   * questions) with their cohorts, invitations, consultations and survey answers (default: when
   * there are contacts to generate).
   */
  pilots?: boolean;
  /** The same seed (and `now`) always gives the same dataset, row for row (default 42). */
  seed?: number;
  /** The dataset ends here: bills up to the last full month, contacts up to the day before. */
  now: Date;
  onProgress?: (
    phase: 'customers' | 'bills' | 'advisors' | 'pilots' | 'interactions',
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
  pilots: number;
  /** Of the interactions, those on a pilot channel. */
  pilotContacts: number;
  /** Video consultations (completed or missed) of the pilot. */
  appointments: number;
  /** NPS and CSAT answers, about pilot-channel and existing-channel contacts of the pilots' cohorts. */
  surveyAnswers: number;
  /** True when the database already held customers, so nothing was written. */
  skipped: boolean;
}

const BILL_MONTHS = 14;
const CHUNK = 5000;
const CUSTOMER_BATCH = 1000;
// Customers whose bills are drawn between two turns of the event loop (about 2 ms of work).
const YIELD_EVERY = 10;
// Independent streams: more interactions must not change the customers or the bills, and the
// pilots must not change which contacts the year holds, only where some of them happened.
const STREAM = { customers: 1, bills: 2, advisors: 3, interactions: 4, stores: 5, pilots: 6 } as const;

/**
 * Fills an empty database with a realistic, deterministic demo: customers in Italy with their
 * consents and accounts, 14 months of bills and payments, the advisors, a year of contacts on the
 * existing channels, and two running pilots whose adopters took some of their recent contacts to
 * the pilot channels. Does nothing when the database already holds customers.
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
    pilots: 0,
    pilotContacts: 0,
    appointments: 0,
    surveyAnswers: 0,
    skipped: false,
  };
  const existing = await stores.customers.search({ limit: 1, offset: 0 });
  if (existing.total > 0) return { ...summary, skipped: true };

  for (const channel of standardChannels) {
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
  // A chunk's payments need its bills: written together, behind the drawing.
  const billWrites = writeBehind();
  const flush = async () => {
    const chunk = { bills, payments };
    [bills, payments] = [[], []];
    await billWrites.next(async () => {
      summary.bills += await bulk.bills(chunk.bills);
      summary.payments += await bulk.payments(chunk.payments);
    });
  };
  progress('bills', 0, customers.length);
  for (const [done, { record, profile }] of customers.entries()) {
    // Turns of the event loop for the write under way to go on with.
    if (done % YIELD_EVERY === 0) await nextTurn();
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
  await billWrites.done();
  await bulk.analyze();
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

  const profiles = customers.map((c) => c.profile);
  const pilotRandom = createDemoRandom(seed, STREAM.pilots);
  let pilots: RunningDemoPilot[] = [];
  if (options.pilots ?? interactionCount > 0) {
    progress('pilots', 0, demoPilotPlans.length);
    pilots = await startDemoPilots({ stores, now, customers: profiles, random: pilotRandom });
    summary.pilots = pilots.length;
    progress('pilots', pilots.length, pilots.length);
  }

  const load = await options.contacts.start();
  let staged = 0;
  const staging = writeBehind();
  const record = (chunk: DemoInteraction[]) =>
    staging.next(async () => {
      await load.add(chunk);
      staged += chunk.length;
      progress('interactions', staged, interactionCount);
    });
  const store = async () => {
    await staging.done();
    summary.interactions = (await load.finish()).stored;
    progress('interactions', summary.interactions, interactionCount);
  };
  // The pilots' adopters took some of these contacts to the pilot channels: moved on the way in.
  const evidence =
    pilots.length === 0
      ? null
      : createPilotEvidence({
          random: pilotRandom,
          stores,
          now,
          pilots,
          customers: new Map(profiles.map((p) => [p.id, p])),
          chunkSize: CHUNK,
          write: record,
        });
  progress('interactions', 0, interactionCount);
  try {
    await generateInteractions({
      random: createDemoRandom(seed, STREAM.interactions),
      seed,
      total: interactionCount,
      now,
      customers: profiles,
      events,
      chunkSize: CHUNK,
      write: evidence?.write ?? record,
    });
    if (evidence) {
      await evidence.finish(store);
      Object.assign(summary, evidence.summary);
    } else await store();
  } catch (error) {
    // A write that failed, or the generator: the load lets go of its session (once stored, a no-op).
    await staging.done().catch(() => {});
    await load.abort();
    throw error;
  }
  return summary;
}

/**
 * Writes that run behind the drawing: a chunk is written while the next one is drawn, the
 * database working on its core while this process draws on the other. One write at a time; a
 * failed one is thrown at the next write or by `done`.
 */
function writeBehind() {
  let writing: Promise<void> = Promise.resolve();
  return {
    async next(write: () => Promise<void>): Promise<void> {
      await writing;
      writing = write();
      writing.catch(() => {});
    },
    done: () => writing,
  };
}

/**
 * Ids for the records the stores create themselves while seeding (advisors, pilots, invitations,
 * consultations, survey answers; journeys the app places). Build the seed's stores with it as
 * `newId` and those ids repeat from run to run as well.
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
