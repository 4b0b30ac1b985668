import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { InteractionInput, StorageHandle } from '../../core/index.ts';
import { createPostgresInteractionLoader } from '../../core/imports.ts';
import { databaseKind, openTestDatabase } from '../support/database.ts';
import { seededRandom } from '../support/simulate.ts';

// What the planner knows of the log right after a bulk load: the months it filled and the log as
// a whole (which autovacuum never analyzes, a partitioned table) hold statistics at once.

const CUSTOMERS = 600;
const FIRST = Date.parse('2026-01-05T08:00:00Z');
const DAY = 86_400_000;

let storage: StorageHandle;
const random = seededRandom(20261205);
const customers = Array.from({ length: CUSTOMERS }, () => randomUUID());
const contacts: InteractionInput[] = customers.flatMap((customerId) =>
  Array.from({ length: 2 + random.int(7) }, () => ({
    customerId,
    channel: random.pick(['call_centre', 'email', 'web', 'shop']),
    touchpoint: 'main',
    direction: 'inbound' as const,
    reason: random.pick(['bill_explanation', 'payment', 'moving']),
    startedAt: new Date(FIRST + random.int(110) * DAY + random.int(36_000) * 1000),
    outcome: 'resolved' as const,
  })),
);

beforeAll(async () => {
  storage = await openTestDatabase();
  await storage.db
    .insertInto('customers')
    .values(
      customers.map((id, i) => ({
        id,
        first_name: 'Cliente',
        last_name: `S${i}`,
        locale: 'it-IT',
        segment: 'residential',
      })),
    )
    .execute();
});

afterAll(async () => {
  await storage?.close();
});

describe(`the statistics after a bulk load on the ${databaseKind} database`, () => {
  it("give the planner the log's customers and each filled month's rows", async () => {
    const load = await createPostgresInteractionLoader({ url: storage.url, db: storage.db }).start();
    await load.add(contacts);
    expect(await load.finish()).toMatchObject({ stored: contacts.length, path: 'bulk' });

    const { rows: plan } = await sql<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }>`
      explain (format json) select customer_id from interactions group by customer_id`.execute(storage.db);
    const groups = plan[0]?.['QUERY PLAN'][0].Plan['Plan Rows'] ?? 0;
    // Without statistics of the log as a whole the planner takes any grouping for 200 groups.
    expect(groups).toBeGreaterThan(CUSTOMERS * 0.7);
    expect(groups).toBeLessThan(CUSTOMERS * 1.4);

    const { rows: months } = await sql<{ month: string; reltuples: number; stored: number }>`
      select c.relname as month, c.reltuples::float8 as reltuples,
        (select count(*) from interactions i where i.tableoid = c.oid)::int as stored
      from pg_inherits h join pg_class c on c.oid = h.inhrelid
      where h.inhparent = 'interactions'::regclass order by c.relname`.execute(storage.db);
    const filled = months.filter((m) => m.stored > 0);
    expect(filled.length).toBe(4);
    for (const month of filled) expect(month.reltuples, month.month).toBe(month.stored);
  });
});
