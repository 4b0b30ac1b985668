import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../core/storage/schema.ts';
import type { StorageHandle } from '../../core/index.ts';
import { createPostgresInteractionLog } from '../../core/storage/postgres-interaction-log.ts';
import { createPostgresBilling } from '../../core/storage/postgres-billing.ts';
import { createPostgresCustomerDirectory } from '../../core/storage/postgres-customer-directory.ts';
import { databaseKind, openTestDatabase } from '../support/database.ts';

// A customer's latest contacts and open bills are read many times a second: each connection
// prepares them once and the server keeps a plan. Kept plans must give what a fresh plan gives,
// also after the log gains a month (a new partition) while the plan is kept.

let handle: StorageHandle;
const customer = randomUUID();
const other = randomUUID();

beforeAll(async () => {
  handle = await openTestDatabase();
  await handle.db
    .insertInto('customers')
    .values([
      { id: customer, first_name: 'Giulia', last_name: 'Conti', locale: 'it-IT', segment: 'family' },
      { id: other, first_name: 'Marco', last_name: 'Bassi', locale: 'it-IT', segment: 'senior' },
    ])
    .execute();
});
afterAll(async () => handle?.close());

const contact = (customerId: string, startedAt: string, reason: string) => ({
  customerId,
  channel: 'call_centre',
  touchpoint: 'agent',
  direction: 'inbound' as const,
  reason,
  startedAt: new Date(startedAt),
  endedAt: new Date(new Date(startedAt).getTime() + 300_000),
  outcome: 'resolved' as const,
  source: 'test',
});

describe(`kept plans on the ${databaseKind} database`, () => {
  it('keep one plan per connection for a customer’s latest contacts, still right after a new month', async () => {
    await handle.db.connection().execute(async (session) => {
      const log = createPostgresInteractionLog(session, { newId: randomUUID });
      const now = Date.now();
      await log.recordMany([
        contact(customer, new Date(now - 3 * 86_400_000).toISOString(), 'payment'),
        contact(customer, new Date(now - 2 * 86_400_000).toISOString(), 'bill_explanation'),
        contact(other, new Date(now - 86_400_000).toISOString(), 'outage'),
      ]);
      const fresh = async (customerId: string) =>
        (
          await sql<{ id: string }>`select id from interactions where customer_id = ${customerId}
            order by started_at desc, id limit 20`.execute(session)
        ).rows.map((r) => r.id);

      for (let call = 0; call < 8; call++) {
        const who = call % 2 === 0 ? customer : other;
        expect((await log.forCustomer(who, { limit: 20 })).map((i) => i.id)).toEqual(await fresh(who));
      }
      const prepared = await sql<{ statement: string; generic_plans: number; custom_plans: number }>`
        select statement, generic_plans, custom_plans from pg_prepared_statements
        where statement like '%from "interactions"%'`.execute(session);
      expect(prepared.rows).toHaveLength(1);
      // Planned for its values five times, then kept.
      expect(prepared.rows[0]!.custom_plans).toBe(5);
      expect(prepared.rows[0]!.generic_plans).toBe(3);

      // A contact of a month the log had no partition for: the kept plan is made again.
      await log.recordMany([contact(customer, '2019-03-14T10:00:00Z', 'moving')]);
      const latest = await log.forCustomer(customer, { limit: 20 });
      expect(latest.map((i) => i.reason)).toEqual(['bill_explanation', 'payment', 'moving']);
      expect(latest.map((i) => i.id)).toEqual(await fresh(customer));
      expect((await log.forCustomer(customer, { limit: 2 })).map((i) => i.reason)).toEqual([
        'bill_explanation',
        'payment',
      ]);
    });
  });

  it('plan a write’s placement reads once per connection, and place a late contact of a new month right', async () => {
    await handle.db.connection().execute(async (session) => {
      const log = createPostgresInteractionLog(session, { newId: randomUUID });
      // The reads of the customers' latest contacts per reason: a generic plan from the first call
      // (planning one over the log's months cost 8 ms a batch, running it 0.1 ms).
      const plans = async () =>
        (
          await sql<{ generic_plans: number; custom_plans: number }>`
            select generic_plans, custom_plans from pg_prepared_statements
            where statement like '%as k(customer_id, reason, before, since)%'`.execute(session)
        ).rows;
      const now = Date.now();
      const write = (turn: number) =>
        log.recordMany([
          contact(
            other,
            new Date(now - (7 - turn) * 3_600_000).toISOString(),
            turn % 2 ? 'payment' : 'outage',
          ),
        ]);
      await write(0);
      const [first] = await plans();
      expect(first).toEqual({ generic_plans: expect.any(Number), custom_plans: 0 });
      for (let turn = 1; turn < 7; turn++) await write(turn);
      expect(await plans()).toEqual([{ generic_plans: first!.generic_plans + 6, custom_plans: 0 }]);

      // A contact of a month the log had no partition for, before the others: placed first in its journey.
      const early = await log.record(contact(other, '2019-05-02T09:00:00Z', 'outage'));
      const late = await log.record(contact(other, '2019-05-03T09:00:00Z', 'outage'));
      expect(late.journeyId).toBe(early.journeyId);
      expect(late.journeyStep).toBe(2);
    });
  });

  it('keep the open bills’ plan: a bill paid in full leaves them at once', async () => {
    await handle.db.connection().execute(async (session) => {
      const billing = createPostgresBilling(session, randomUUID);
      const account = randomUUID();
      await session
        .insertInto('accounts')
        .values({
          id: account,
          customer_id: customer,
          number: 'EL-200431',
          kind: 'electricity',
          supply_address: 'Via Roma 12, Bologna',
          tariff: 'monoraria',
          started_on: '2024-01-01',
        })
        .execute();
      const bill = (number: string, periodStart: string, periodEnd: string, cents: number) =>
        billing.issueBill({
          accountId: account,
          number,
          periodStart,
          periodEnd,
          issuedOn: periodEnd,
          dueOn: periodEnd,
          currency: 'EUR',
          consumption: null,
          lines: [{ code: 'energy', description: 'Energia', amountCents: cents }],
        });
      const march = await bill('2026-0311', '2026-02-01', '2026-03-31', 8_450);
      const may = await bill('2026-0512', '2026-04-01', '2026-05-31', 7_120);
      for (let call = 0; call < 7; call++)
        expect((await billing.openBills(customer)).map((b) => b.number)).toEqual([march.number, may.number]);
      await billing.recordPayment({
        customerId: customer,
        billId: march.id,
        amountCents: 8_450,
        paidAt: new Date(),
        method: 'card',
        channel: 'web',
      });
      expect((await billing.openBills(customer)).map((b) => b.number)).toEqual([may.number]);
      const prepared = await sql<{ generic_plans: number }>`
        select generic_plans from pg_prepared_statements where statement like '%from "bills"%paid_cents%'`.execute(
        session,
      );
      expect(prepared.rows).toHaveLength(1);
      expect(prepared.rows[0]!.generic_plans).toBeGreaterThan(0);
    });
  });

  it('are made again when a table they read gains a column (a newer instance’s migration)', async () => {
    const read = (session: Kysely<Database>) =>
      createPostgresCustomerDirectory(session, randomUUID).get(customer);
    await handle.db.connection().execute((a) =>
      handle.db.connection().execute(async (b) => {
        expect((await read(a))?.lastName).toBe('Conti');
        expect((await read(b))?.lastName).toBe('Conti');
        await handle.db.schema.alterTable('customers').addColumn('nickname', 'text').execute();
        try {
          // Both connections had prepared the read: the first to ask again renames it, the other
          // finds it renamed.
          expect((await read(a))?.lastName).toBe('Conti');
          expect((await read(b))?.lastName).toBe('Conti');
          expect((await read(a))?.lastName).toBe('Conti');
        } finally {
          await handle.db.schema.alterTable('customers').dropColumn('nickname').execute();
        }
      }),
    );
  });
});
