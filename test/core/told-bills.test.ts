import { describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import {
  cachedAccounts,
  cachedBilling,
  createPostgresStores,
  TOLD_TOPICS,
  TOLD_TURN_CACHE_MS,
  type Billing,
  type StorageHandle,
  type Stores,
} from '../../core/index.ts';
import { createBillIntents } from '../../core/services.ts';
import { billMessages } from '../../core/conversation/bill-messages.ts';
import { databaseKind, withTwoInstances } from '../support/database.ts';
import { fixedClock, gasCustomer } from '../support/fixtures.ts';
import { until } from '../support/waiting.ts';

// A conversation's bill questions read the customer's bills and payments through a cache that the
// database tells of every change to them. Two instances of the app on one database, each with its
// own connections; the real clock runs.

let first: StorageHandle;
let second: StorageHandle;
let stores: Stores;

withTwoInstances((opened) => {
  ({ first, second, stores } = opened);
});

/** What `on` hears on the bills' topic from now on, each payload read as JSON. */
async function hearing(on: StorageHandle) {
  const heard: unknown[] = [];
  on.broadcast.subscribe(TOLD_TOPICS.bills, (payload) => heard.push(JSON.parse(payload)));
  await on.broadcast.ready();
  return heard;
}

const pay = (customerId: string, billId: string | null, amountCents: number) =>
  stores.billing.recordPayment({
    customerId,
    billId,
    amountCents,
    paidAt: '2026-03-20T10:00:00Z',
    method: 'card',
    channel: 'web',
  });

describe(`bills told of changes on the ${databaseKind} database`, () => {
  it('tells whose bills or payments changed, and a conversation on the other instance answers with them', async () => {
    const heard = await hearing(second);
    const { customer, current } = await gasCustomer(stores);
    // Three bills and two payments, one statement each: the customer, five times.
    await until(() => heard.length === 5);
    expect(new Set(heard)).toEqual(new Set([customer.id]));

    // The second instance's bill questions, reading bills and supplies through told caches.
    const theirs = createPostgresStores(second.db, { clock: fixedClock });
    const intents = createBillIntents({
      billing: cachedBilling(theirs.billing, {
        told: { broadcast: second.broadcast, topic: TOLD_TOPICS.bills },
      }),
      customers: cachedAccounts(theirs.customers, {
        told: { broadcast: second.broadcast, topic: TOLD_TOPICS.accounts },
      }),
      clock: fixedClock,
    });
    const ask = async (intent: 'WhatDoIOwe' | 'LastPayment') =>
      (await intents[intent]({ customerId: customer.id, locale: 'en-US', turnId: randomUUID() })).cardText;
    const say = billMessages['en-US'];
    const owedBefore = await ask('WhatDoIOwe');
    expect(owedBefore).not.toBe(say.nothingOwed());
    const lastBefore = await ask('LastPayment');

    // Paid on the first instance: the second answers with it within 2 s, on both questions.
    await pay(customer.id, current.id, current.amountCents);
    expect(await until(async () => (await ask('WhatDoIOwe')) === say.nothingOwed())).toBeLessThan(2_000);
    expect(await ask('LastPayment')).not.toBe(lastBefore);
    expect(heard.at(-1)).toBe(customer.id);

    // A bill changed in SQL, as an administrator would: told, and owed again.
    await sql`delete from payments where bill_id = ${current.id}`.execute(first.db);
    expect(await until(async () => (await ask('WhatDoIOwe')) === owedBefore)).toBeLessThan(2_000);
  });

  it('names each customer a statement changes, and everyone past a hundred', async () => {
    const heard = await hearing(second);
    const one = (await gasCustomer(stores)).customer;
    const other = (await gasCustomer(stores)).customer;
    await until(() => heard.length === 10);
    heard.length = 0;

    await sql`update bills set cancelled = cancelled where customer_id in (${one.id}, ${other.id})`.execute(
      first.db,
    );
    await until(() => heard.length === 2);
    expect(new Set(heard)).toEqual(new Set([one.id, other.id]));

    // 101 customers' payments in one statement: one notice, for every answer.
    const customers = async () =>
      Number((await sql<{ n: string }>`select count(*) as n from customers`.execute(first.db)).rows[0]?.n);
    while ((await customers()) < 101) await gasCustomer(stores);
    // Notices come in the order their changes were committed: past this one, only what follows.
    await first.broadcast.publish(TOLD_TOPICS.bills, JSON.stringify('customers made'));
    await until(() => heard.at(-1) === 'customers made');
    heard.length = 0;
    await sql`insert into payments (id, customer_id, amount_cents, paid_at, method, channel)
      select gen_random_uuid(), id, 100, now(), 'cash', 'shop' from customers`.execute(first.db);
    await until(() => heard.length === 1);
    expect(heard).toEqual([null]);
  });

  it('ask the database once for a customer’s bills, and again at once after a payment through them', async () => {
    const { customer, current } = await gasCustomer(stores);
    const reads: string[] = [];
    const counted = <K extends 'openBills' | 'lastPayment' | 'bills'>(name: K): Billing[K] =>
      ((...args: Parameters<Billing[K]>) => {
        reads.push(name);
        return (stores.billing[name] as (...a: Parameters<Billing[K]>) => ReturnType<Billing[K]>)(...args);
      }) as Billing[K];
    const billing = cachedBilling(
      {
        ...stores.billing,
        openBills: counted('openBills'),
        lastPayment: counted('lastPayment'),
        bills: counted('bills'),
      },
      { ttlMs: TOLD_TURN_CACHE_MS },
    );
    expect((await billing.openBills(customer.id)).map((b) => b.id)).toEqual([current.id]);
    await billing.openBills(customer.id);
    await billing.lastPayment(customer.id);
    await billing.lastPayment(customer.id);
    // The latest bills: a smaller answer from a larger one kept, a larger one asked for again.
    expect(await billing.bills(customer.id, { limit: 2 })).toHaveLength(2);
    expect(await billing.bills(customer.id, { limit: 1 })).toHaveLength(1);
    expect(await billing.bills(customer.id, { limit: 36 })).toHaveLength(3);
    expect(await billing.bills(customer.id, { limit: 2 })).toHaveLength(2);
    expect(reads).toEqual(['openBills', 'lastPayment', 'bills', 'bills']);

    await billing.recordPayment({
      customerId: customer.id,
      billId: current.id,
      amountCents: current.amountCents,
      paidAt: '2026-03-21T09:00:00Z',
      method: 'card',
      channel: 'app',
    });
    expect(await billing.openBills(customer.id)).toEqual([]);
    expect((await billing.lastPayment(customer.id))?.paidAt).toEqual(new Date('2026-03-21T09:00:00Z'));
    expect(reads).toEqual(['openBills', 'lastPayment', 'bills', 'bills', 'openBills', 'lastPayment']);
  });
});
