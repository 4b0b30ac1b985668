import { afterAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { createPostgresStores, type InteractionInput, type StorageHandle } from '../../core/index.ts';
import { createPostgresInteractionLoader } from '../../core/storage/postgres-interaction-loader.ts';
import { recomputeRollups } from '../../core/storage/census-rollup-sql.ts';
import { databaseKind, openTestDatabase } from '../support/database.ts';
import { rollups } from '../support/log-state.ts';

// The rollups a bulk load adds up in memory must be the rows the database's own rollup SQL gives:
// here for what a small history does not reach — a day whose reach outgrows the sparse set, the
// day boundary and the spring-forward hour of the reference zone, handle times in milliseconds,
// walk-ins nobody identified.

type Contact = InteractionInput & { id: string };

/** 1,300 customers: most residential, some business, a few seniors. */
function customers() {
  return Array.from({ length: 1300 }, (_, i) => ({
    id: randomUUID(),
    segment: i < 1060 ? 'residential' : i < 1280 ? 'business' : 'senior',
  }));
}

function contacts(people: { id: string }[]): Contact[] {
  const out: Contact[] = [];
  let n = 0;
  const add = (customerId: string | null, startedAt: string, more: Partial<Contact> = {}): Contact => {
    const started = new Date(startedAt);
    const contact: Contact = {
      id: randomUUID(),
      customerId,
      channel: 'call_centre',
      touchpoint: n % 3 === 0 ? 'ivr' : 'agent',
      direction: 'inbound',
      reason: n % 4 === 0 ? 'payment' : 'bill_explanation',
      startedAt: started,
      // Handle times to the millisecond, some calls with no end recorded.
      endedAt: n % 7 === 0 ? null : new Date(started.getTime() + 61_000 + ((n * 7919) % 900_000) + 0.5),
      outcome: 'resolved',
      source: 'crm',
      externalId: `TEL-${++n}`,
      ...more,
    };
    out.push(contact);
    return contact;
  };
  people.forEach((person, i) => {
    const minute = String(i % 60).padStart(2, '0');
    // Everybody calls on the 2nd of March (one day's reach of 1,300 customers)...
    add(person.id, `2026-03-02T${String(7 + (i % 10)).padStart(2, '0')}:${minute}:00Z`);
    // ...some after 23:00 UTC, already the 3rd on Rome's clocks...
    if (i % 5 === 0) add(person.id, `2026-03-02T23:${minute}:30Z`);
    // ...and some again in the hour clocks skip in spring (02:00-03:00 in Rome does not exist).
    if (i % 9 === 0)
      add(person.id, `2026-03-29T01:${minute}:10Z`, { channel: 'web', touchpoint: 'self_service' });
    // The assistant asks back before the contact that settles, which says it follows on, about
    // another reason (a load with hand-offs across reasons is placed, and its rollups added up, in
    // the app).
    if (i % 11 === 0) {
      const asked = add(person.id, `2026-03-04T10:${minute}:00Z`, {
        channel: 'voice_assistant',
        touchpoint: 'alexa',
        outcome: 'continued',
        endedAt: null,
        reason: 'meter_reading',
      });
      add(person.id, `2026-03-04T10:${minute}:20Z`, {
        channel: 'voice_assistant',
        touchpoint: 'alexa',
        handoffFromId: asked.id,
      });
    }
  });
  for (let i = 0; i < 25; i++)
    add(null, `2026-03-02T09:${String(i).padStart(2, '0')}:00Z`, { channel: 'shop', touchpoint: 'counter' });
  return out;
}

const handles: StorageHandle[] = [];
async function database(people: ReturnType<typeof customers>) {
  const handle = await openTestDatabase();
  handles.push(handle);
  await handle.db
    .insertInto('customers')
    .values(
      people.map((p, i) => ({
        id: p.id,
        first_name: 'Cliente',
        last_name: `N${i}`,
        locale: 'it-IT',
        segment: p.segment,
      })),
    )
    .execute();
  return handle;
}

afterAll(async () => {
  for (const handle of handles) await handle.close();
});

describe(`the bulk load's rollups on the ${databaseKind} database`, () => {
  it("are the rows the rollup SQL gives: a day of 1,300 customers as registers, Rome's day and clock change, handle times, walk-ins", async () => {
    const people = customers();
    const history = contacts(people);
    const incremental = await database(people);
    const log = createPostgresStores(incremental.db).interactions;
    const ordered = [...history].sort(
      (a, b) =>
        (a.startedAt as Date).getTime() - (b.startedAt as Date).getTime() ||
        Buffer.compare(Buffer.from(a.externalId!), Buffer.from(b.externalId!)),
    );
    for (let i = 0; i < ordered.length; i += 500) await log.recordMany(ordered.slice(i, i + 500));

    const bulk = await database(people);
    const load = await createPostgresInteractionLoader({ url: bulk.url, db: bulk.db }).start();
    await load.add([...history].reverse());
    expect(await load.finish()).toEqual({ stored: history.length, path: 'bulk', placedBy: 'app' });

    const loaded = await rollups(bulk.db);
    expect(loaded).toEqual(await rollups(incremental.db));
    await bulk.db.transaction().execute((trx) => sql.raw(recomputeRollups()).execute(trx));
    expect(await rollups(bulk.db)).toEqual(loaded);

    // What the fixture is there for is in the rows.
    const { rows } = await sql<{ day: string; registers: boolean; customers: number | null }>`
      select day::text, registers is not null as registers, cardinality(hashes) as customers
      from census_reach where reason = '*' and segment = '*' and channel = 'call_centre' order by day`.execute(
      bulk.db,
    );
    expect(rows).toEqual([
      { day: '2026-03-02', registers: true, customers: null },
      { day: '2026-03-03', registers: false, customers: 260 },
    ]);
    const clockChange = await sql<{ h03: number; h02: number }>`
      select h02, h03 from census_days where reason = '*' and segment = '*' and day = '2026-03-29'
        and channel = 'web'`.execute(bulk.db);
    expect(clockChange.rows).toEqual([{ h02: 0, h03: 145 }]);
    const unsegmented = await sql<{
      n: number;
    }>`select count(*)::int as n from census_days where segment = ''`.execute(bulk.db);
    expect(unsegmented.rows[0]!.n).toBeGreaterThan(0);
  }, 180_000);
});
