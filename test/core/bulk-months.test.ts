import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { StorageHandle } from '../../core/index.ts';
import { createPostgresInteractionLoader } from '../../core/storage/postgres-interaction-loader.ts';
import { databaseKind, openTestDatabase } from '../support/database.ts';

// A bulk load writes each month that has no partition yet into a table of its own and attaches it
// once filled: such a month must end up a partition like the ones the log makes itself, with the
// same indexes and checks, its customers' references enforced, and its reasons noted.

let handle: StorageHandle;
const customer = randomUUID();

beforeAll(async () => {
  handle = await openTestDatabase();
  await handle.db
    .insertInto('customers')
    .values({ id: customer, first_name: 'Lucia', last_name: 'Ferri', locale: 'it-IT', segment: 'senior' })
    .execute();
});
afterAll(async () => handle?.close());

/** Each partition's indexes and checks, named by what they are rather than by their names. */
async function partitionShapes() {
  const { rows } = await sql<{ partition: string; shape: string }>`
    select c.relname as partition, d.shape from pg_inherits i
    join pg_class c on c.oid = i.inhrelid
    cross join lateral (
      select regexp_replace(pg_get_indexdef(x.indexrelid), '^CREATE (UNIQUE )?INDEX \\S+ ON \\S+', 'index \\1') as shape
        from pg_index x where x.indrelid = c.oid
      union all
      select con.contype::text || ' ' || pg_get_constraintdef(con.oid) from pg_constraint con where con.conrelid = c.oid
    ) d
    where i.inhparent = 'interactions'::regclass
    order by 1, 2`.execute(handle.db);
  const shapes = new Map<string, string[]>();
  for (const row of rows) shapes.set(row.partition, [...(shapes.get(row.partition) ?? []), row.shape]);
  return shapes;
}

describe(`months a bulk load adds to the log on the ${databaseKind} database`, () => {
  it('are partitions like the ones the log makes, their references checked and their reasons noted', async () => {
    const before = await partitionShapes();
    // Made with the database: the months around today.
    const [madeAhead, shape] = [...before.entries()][0]!;
    expect(shape.filter((s) => s.startsWith('index')).length).toBeGreaterThanOrEqual(5);
    // Contacts of March and April 2025, which have no partition, and of a month that has one.
    const existing = new Date(
      Date.UTC(Number(madeAhead.slice(13, 17)), Number(madeAhead.slice(18, 20)) - 1, 10, 9),
    );
    const at = (iso: string) => new Date(iso);
    const contact = (startedAt: Date, reason: string, externalId: string) => ({
      customerId: customer,
      channel: 'call_centre',
      touchpoint: 'agent',
      direction: 'inbound' as const,
      reason,
      startedAt,
      endedAt: new Date(startedAt.getTime() + 240_000),
      outcome: 'resolved' as const,
      source: 'crm_calls',
      externalId,
    });
    const load = await createPostgresInteractionLoader({ url: handle.url, db: handle.db }).start();
    await load.add([
      contact(at('2025-03-31T22:30:00Z'), 'meter_reading', 'C-1'),
      contact(at('2025-04-02T08:15:00Z'), 'voltura_contratto', 'C-2'),
      contact(at('2025-04-30T21:59:59Z'), 'payment', 'C-3'),
      contact(existing, 'payment', 'C-4'),
    ]);
    expect(await load.finish()).toEqual({ stored: 4, path: 'bulk', placedBy: 'database' });

    const after = await partitionShapes();
    expect([...after.keys()].filter((name) => !before.has(name)).sort()).toEqual([
      'interactions_2025_03',
      'interactions_2025_04',
    ]);
    for (const name of ['interactions_2025_03', 'interactions_2025_04'])
      expect(after.get(name)).toEqual(shape);
    const { rows: placed } = await sql<{ external_id: string; partition: string }>`
      select external_id, tableoid::regclass::text as partition from interactions order by external_id`.execute(
      handle.db,
    );
    expect(placed).toEqual([
      { external_id: 'C-1', partition: 'interactions_2025_03' },
      { external_id: 'C-2', partition: 'interactions_2025_04' },
      { external_id: 'C-3', partition: 'interactions_2025_04' },
      { external_id: 'C-4', partition: madeAhead },
    ]);
    const reasons = await handle.db.selectFrom('contact_reasons').select('reason').execute();
    expect(reasons.map((r) => r.reason)).toEqual(
      expect.arrayContaining(['meter_reading', 'voltura_contratto']),
    );
    // The month's table checks its customers as any partition does.
    await expect(
      sql`insert into interactions_2025_04 (id, customer_id, channel, touchpoint, direction, reason,
            started_at, outcome, journey_id, journey_step)
          values (${randomUUID()}, ${randomUUID()}, 'web', 'self_service', 'inbound', 'payment',
            '2025-04-10T10:00:00Z', 'resolved', ${randomUUID()}, 1)`.execute(handle.db),
    ).rejects.toMatchObject({ code: '23503' });
  }, 60_000);
});
