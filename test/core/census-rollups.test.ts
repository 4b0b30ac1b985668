import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import {
  createPostgresStores,
  type InteractionInput,
  type Outcome,
  type StorageHandle,
} from '../../core/index.ts';
import { recomputeRollups } from '../../core/storage/census-rollup-sql.ts';
import type { Database } from '../../core/storage/schema.ts';
import { databaseKind, openTestDatabase } from '../support/database.ts';
import { placements, rollups } from '../support/log-state.ts';

// The census rollups and what each contact carries for them (journey, steps, previous contact) must
// come out the same whatever order contacts arrive in — one file in time order, the same rows
// shuffled, in chunks, from two importers at once, with live contacts in between — and equal a
// recomputation from the log.

const DAY = 86_400_000;

function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
    shuffle: <T>(items: T[]): T[] => {
      const out = [...items];
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [out[i], out[j]] = [out[j]!, out[i]!];
      }
      return out;
    },
  };
}

const channels = ['call_centre', 'email', 'web', 'shop', 'voice_assistant'] as const;
const reasons = ['bill_explanation', 'payment', 'moving', 'outage'] as const;
const segments = ['residential', 'senior', 'family'] as const;

interface Customer {
  id: string;
  segment: string;
}

/** A history of contacts written for this test: bursts of calls, same-minute ties, turns that ask back. */
function history(seed: number) {
  const random = prng(seed);
  const customers: Customer[] = Array.from({ length: 60 }, () => ({
    id: randomUUID(),
    segment: random.pick(segments),
  }));
  const start = Date.parse('2026-01-05T08:00:00Z');
  const rows: InteractionInput[] = [];
  let n = 0;
  const add = (customerId: string | null, at: number, more: Partial<InteractionInput> = {}) =>
    rows.push({
      customerId,
      channel: random.pick(channels),
      touchpoint: 'main',
      direction: 'inbound',
      reason: random.pick(reasons),
      // Minute precision, as many exports have: contacts of one customer often share a minute.
      startedAt: new Date(Math.floor(at / 60_000) * 60_000),
      endedAt: random.next() < 0.7 ? new Date(at + random.int(1, 30) * 60_000) : null,
      outcome: random.pick(['resolved', 'resolved', 'handed_off', 'abandoned', 'continued'] as const),
      source: 'crm_export',
      externalId: `T-${String(++n).padStart(5, '0')}`,
      ...more,
    });
  for (const customer of customers) {
    let at = start + random.int(0, 20) * DAY;
    const contacts = random.int(3, 40);
    for (let i = 0; i < contacts; i++) {
      // Gaps from the same minute to six weeks: journeys chain, break, and bridge when a late row fills a gap.
      at += random.pick([0, 60_000, 3_600_000, 2 * DAY, 6 * DAY, 8 * DAY, 20 * DAY, 40 * DAY]);
      add(customer.id, at);
    }
  }
  for (let i = 0; i < 150; i++) add(null, start + random.int(0, 180) * DAY + random.int(0, 86_399) * 1000);
  return { customers, rows, random };
}

async function recomputed(db: Kysely<Database>) {
  await db.transaction().execute(async (trx) => {
    await sql.raw(recomputeRollups()).execute(trx);
  });
  return rollups(db);
}

const data = history(20261204);
const databases: StorageHandle[] = [];
async function database() {
  const handle = await openTestDatabase();
  databases.push(handle);
  for (const c of data.customers) {
    await handle.db
      .insertInto('customers')
      .values({
        id: c.id,
        first_name: 'Test',
        last_name: c.id.slice(0, 8),
        locale: 'it-IT',
        segment: c.segment,
      })
      .execute();
  }
  return handle;
}

let reference: StorageHandle;
let referenceDerived: Awaited<ReturnType<typeof placements>>;
let referenceRollups: Awaited<ReturnType<typeof rollups>>;

beforeAll(async () => {
  reference = await database();
  const inOrder = [...data.rows].sort(
    (a, b) =>
      (a.startedAt as Date).getTime() - (b.startedAt as Date).getTime() ||
      (a.externalId! < b.externalId! ? -1 : 1),
  );
  await createPostgresStores(reference.db).interactions.recordMany(inOrder);
  referenceDerived = await placements(reference.db);
  referenceRollups = await rollups(reference.db);
}, 120_000);

afterAll(async () => {
  for (const handle of databases) await handle.close();
});

describe(`census rollups on the ${databaseKind} database`, () => {
  it('holds what a recomputation from the log gives, after a file read in time order', async () => {
    expect(Object.keys(referenceDerived)).toHaveLength(data.rows.length);
    expect(referenceRollups.days.length).toBeGreaterThan(100);
    expect(await recomputed(reference.db)).toEqual(referenceRollups);
  });

  for (const order of [1, 2, 3]) {
    it(`gives the same journeys, steps, transitions and rollups when the rows come shuffled (order ${order}), in chunks, from two importers at once`, async () => {
      const handle = await database();
      const log = createPostgresStores(handle.db).interactions;
      const random = prng(order);
      const shuffled = random.shuffle(data.rows);
      // A few contacts come one by one, as live channels write them; the rest in chunks from two importers.
      const live = shuffled.slice(0, 40);
      const rest = shuffled.slice(40);
      const half = Math.floor(rest.length / 2);
      const importer = async (rows: InteractionInput[]) => {
        for (let i = 0; i < rows.length;) {
          const size = random.int(1, 300);
          await log.recordMany(rows.slice(i, i + size));
          i += size;
        }
      };
      await Promise.all([
        importer(rest.slice(0, half)),
        importer(rest.slice(half)),
        (async () => {
          for (const row of live) await log.record(row);
        })(),
      ]);
      expect(await placements(handle.db)).toEqual(referenceDerived);
      const stored = await rollups(handle.db);
      expect(stored).toEqual(referenceRollups);
      expect(await recomputed(handle.db)).toEqual(stored);
    }, 180_000);
  }

  it('moves a customer’s contacts to their new segment, and a turn that is settled later, as a recomputation would', async () => {
    const handle = await database();
    const stores = createPostgresStores(handle.db);
    await stores.interactions.recordMany(data.rows);
    const customer = data.customers[3]!;
    await handle.db
      .updateTable('customers')
      .set({ segment: customer.segment === 'senior' ? 'family' : 'senior' })
      .where('id', '=', customer.id)
      .execute();
    const turn = await handle.db
      .selectFrom('interactions')
      .select(['id', 'customer_id'])
      .where('outcome', '=', 'continued')
      .where('customer_id', 'is not', null)
      .limit(1)
      .executeTakeFirstOrThrow();
    await stores.interactions.amend(turn.id, { outcome: 'resolved' as Outcome });
    const stored = await rollups(handle.db);
    expect(stored).not.toEqual(referenceRollups);
    expect(await recomputed(handle.db)).toEqual(stored);
  }, 120_000);

  it('writes only the rollup rows a late contact changes, though it renumbers the journey after it', async () => {
    const handle = await database();
    const stores = createPostgresStores(handle.db);
    const customer = data.customers[1]!;
    const at = (day: number) => new Date(Date.parse('2026-06-01T09:00:00Z') + day * DAY);
    const contact = (day: number, externalId: string, channel: string): InteractionInput => ({
      customerId: customer.id,
      channel,
      touchpoint: 'main',
      direction: 'inbound',
      reason: 'outage',
      startedAt: at(day),
      outcome: 'resolved',
      source: 'crm_export',
      externalId,
    });
    // One journey of nine settled contacts two days apart, each on another channel than the last.
    await stores.interactions.recordMany(
      Array.from({ length: 9 }, (_, d) => contact(d * 2, `O-${d}`, channels[d % channels.length]!)),
    );
    const written = async () =>
      new Map(
        (
          await sql<{ row: string; version: string }>`
            select t::text as row, t.xmin::text as version from census_days t
            union all select t::text, t.xmin::text from census_transitions t
            union all select t::text, t.xmin::text from census_reach t`.execute(handle.db)
        ).rows.map((r) => [r.row, r.version]),
      );
    /** A row left as it was by `change` keeps its version. */
    const keptAsTheyWere = async (change: () => Promise<unknown>) => {
      const before = await written();
      await change();
      const after = await written();
      const kept = [...before].filter(([row]) => after.has(row));
      expect(kept.length).toBeGreaterThan(20);
      for (const [row, version] of kept) expect({ row, version: after.get(row) }).toEqual({ row, version });
      expect(await recomputed(handle.db)).toEqual(await rollups(handle.db));
    };
    // A contact a day after the first: every one after it moves a step on (the steps past the
    // fourth count together); the second's transition now starts from it, the others' do not move.
    await keptAsTheyWere(() => stores.interactions.record(contact(1, 'O-late', 'shop')));
    const moved = await handle.db
      .selectFrom('interactions')
      .select(['external_id', 'journey_step', 'settled_step'])
      .where('external_id', '=', 'O-8')
      .executeTakeFirstOrThrow();
    expect(moved).toMatchObject({ journey_step: 10, settled_step: 10 });
    // An hour after the third, on its channel: the fourth's transition starts from another contact
    // on the same day, channel and gap, which the transitions count the same.
    await keptAsTheyWere(() =>
      stores.interactions.record({
        ...contact(4, 'O-late-2', channels[2]!),
        startedAt: new Date(at(4).getTime() + 3_600_000),
      }),
    );
    // Contacts deleted by hand (a correction in SQL) leave the rollups as a recomputation gives them.
    await sql`delete from interactions where external_id in ('O-late', 'O-8')`.execute(handle.db);
    expect(await recomputed(handle.db)).toEqual(await rollups(handle.db));
  });

  it('joins a late contact’s journey to the one it bridges, and points a booking in the later journey at the joined one', async () => {
    const handle = await database();
    const stores = createPostgresStores(handle.db);
    const customer = data.customers[0]!;
    const at = (day: number) => new Date(Date.parse('2026-03-01T09:00:00Z') + day * DAY);
    const contact = (day: number, externalId: string): InteractionInput => ({
      customerId: customer.id,
      channel: 'web',
      touchpoint: 'main',
      direction: 'inbound',
      reason: 'moving',
      startedAt: at(day),
      outcome: 'resolved',
      source: 'crm_export',
      externalId,
    });
    const first = await stores.interactions.record(contact(0, 'M-1'));
    const later = await stores.interactions.record(contact(10, 'M-3'));
    expect(later.journeyId).not.toBe(first.journeyId);
    const advisorId = randomUUID();
    const appointmentId = randomUUID();
    await sql`insert into advisors (id, name, email, languages, topics, time_zone)
      values (${advisorId}, 'Ada Neri', 'ada@example.it', '{it-IT}', '{billing}', 'Europe/Rome')`.execute(
      handle.db,
    );
    const ends = new Date(at(12).getTime() + 1_800_000);
    await sql`insert into appointments (id, customer_id, advisor_id, topic, locale, starts_at, ends_at, blocked, status, booked_via, journey_id)
      values (${appointmentId}, ${customer.id}, ${advisorId}, 'moving', 'it-IT', ${at(12)}, ${ends},
        tstzrange(${at(12)}, ${ends}), 'booked', 'web', ${later.journeyId})`.execute(handle.db);
    const bridge = await stores.interactions.record(contact(5, 'M-2'));
    expect(bridge.journeyId).toBe(first.journeyId);
    const moved = await stores.interactions.interaction(later.id);
    expect(moved).toMatchObject({ journeyId: first.journeyId, journeyStep: 3 });
    const booking = await handle.db
      .selectFrom('appointments')
      .select('journey_id')
      .where('id', '=', appointmentId)
      .executeTakeFirstOrThrow();
    expect(booking.journey_id).toBe(first.journeyId);
  });
});
