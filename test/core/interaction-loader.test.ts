import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { DateTime } from 'luxon';
import {
  createPostgresStores,
  InteractionInput,
  type ParsedInteraction,
  type StorageHandle,
} from '../../core/index.ts';
import { createPostgresInteractionLoader } from '../../core/storage/postgres-interaction-loader.ts';
import type { CheckedInteraction } from '../../core/imports.ts';
import { CensusFilter } from '../../core/census.ts';
import { createPostgresCensusSource } from '../../core/storage/postgres-census.ts';
import { recomputeRollups } from '../../core/storage/census-rollup-sql.ts';
import type { Database } from '../../core/storage/schema.ts';
import { parseInput } from '../../core/validation.ts';
import { databaseKind, openTestDatabase } from '../support/database.ts';
import { placements, rollups } from '../support/log-state.ts';

// A log filled in one load (placed in memory, written by COPY, rollups added once) must hold
// exactly what the same contacts written the incremental way hold: the same journeys, steps,
// transitions, rollups and census answers.

const DAY = 86_400_000;
type Contact = InteractionInput & { id: string };

function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const shuffle = <T>(items: readonly T[]): T[] => {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  };
  return { next, int, pick, shuffle };
}

interface Household {
  id: string;
  segment: string;
  /** Electricity, gas, water: one, two or three supplies. */
  supplies: string[];
}

const segments = ['residential', 'senior', 'family', 'business'] as const;
const supplyKinds = ['electricity', 'gas', 'water'] as const;
const reasons = ['bill_explanation', 'payment', 'meter_reading', 'moving', 'outage'] as const;
// Channel, touchpoint, direction: how an Italian utility's customers reach it.
const ways = [
  ['call_centre', 'ivr', 'inbound'],
  ['call_centre', 'agent', 'inbound'],
  ['call_centre', 'callback', 'outbound'],
  ['web', 'self_service', 'inbound'],
  ['email', 'inbox', 'inbound'],
  ['shop', 'counter', 'inbound'],
  ['voice_assistant', 'alexa', 'inbound'],
] as const;

/**
 * Half a year of contacts of 45 households with one, two or three supplies: calls handed off to an
 * agent (the agent's call points back, unless `handoffs` is `none`: an export that does not say;
 * about the caller's reason, or with `across` sometimes about another), voice turns that ask back before one settles, bursts of
 * contacts in the same second (the CRM's codes decide their order, byte by byte: CC-10 before
 * CC-9), returns after more than 30 days, and walk-ins nobody identified.
 */
function history(
  seed: number,
  options: { handoffs: 'none' | 'within' | 'across' } = { handoffs: 'across' },
): { households: Household[]; contacts: Contact[] } {
  const random = prng(seed);
  const households: Household[] = Array.from({ length: 45 }, (_, i) => ({
    id: randomUUID(),
    segment: random.pick(segments),
    supplies: supplyKinds.slice(0, 1 + (i % 3)),
  }));
  const start = Date.parse('2026-01-07T07:30:00Z');
  const contacts: Contact[] = [];
  let code = 0;
  const add = (customerId: string | null, at: number, more: Partial<Contact> = {}): Contact => {
    const [channel, touchpoint, direction] = random.pick(ways);
    const contact: Contact = {
      id: randomUUID(),
      customerId,
      channel,
      touchpoint,
      direction,
      reason: random.pick(reasons),
      startedAt: new Date(Math.floor(at / 1000) * 1000),
      endedAt: random.next() < 0.8 ? new Date(at + random.int(40, 1500) * 1000) : null,
      outcome: random.pick(['resolved', 'resolved', 'resolved', 'abandoned', 'failed'] as const),
      source: 'crm',
      externalId: `CC-${++code}`,
      ...more,
    };
    contacts.push(contact);
    return contact;
  };
  for (const household of households) {
    let at = start + random.int(0, 25) * DAY + random.int(0, 9 * 3600) * 1000;
    const count = random.int(2, 10) * household.supplies.length;
    for (let i = 0; i < count; i++) {
      at += random.pick([0, 0, 1000, 20 * 60_000, 3 * DAY, 6 * DAY, 8 * DAY, 29 * DAY, 31 * DAY, 45 * DAY]);
      const kind = random.next();
      if (kind < 0.15) {
        // The IVR hands the caller to an agent, who picks up a few minutes later.
        const ivr = add(household.id, at, {
          channel: 'call_centre',
          touchpoint: 'ivr',
          outcome: 'handed_off',
        });
        add(household.id, at + random.int(60, 600) * 1000, {
          channel: 'call_centre',
          touchpoint: 'agent',
          reason: options.handoffs !== 'across' || random.next() < 0.7 ? ivr.reason : 'payment',
          handoffFromId: options.handoffs === 'none' ? null : ivr.id,
        });
      } else if (kind < 0.3) {
        // A conversation with the assistant: turns that ask back, then one that settles.
        const reason = random.pick(reasons);
        const turns = random.int(1, 3);
        for (let t = 0; t <= turns; t++)
          add(household.id, at + t * 20_000, {
            channel: 'voice_assistant',
            touchpoint: 'alexa',
            reason,
            outcome: t < turns ? 'continued' : 'resolved',
            endedAt: null,
          });
      } else if (kind < 0.4) {
        // Three contacts stamped in the same second (a batch export), about the same reason.
        const reason = random.pick(reasons);
        for (let k = 0; k < 3; k++) add(household.id, at, { reason });
      } else add(household.id, at);
    }
  }
  for (let i = 0; i < 30; i++) add(null, start + random.int(0, 150) * DAY + random.int(0, 50_000) * 1000);
  // A walk-in and a call in the same second, both anonymous.
  add(null, start + 10 * DAY, { channel: 'shop' });
  add(null, start + 10 * DAY, { channel: 'call_centre' });
  return { households, contacts };
}

const timeOrder = (a: Contact, b: Contact) =>
  (a.startedAt as Date).getTime() - (b.startedAt as Date).getTime() ||
  Buffer.compare(Buffer.from(a.externalId!), Buffer.from(b.externalId!));

const databases: StorageHandle[] = [];
async function database(households: Household[]): Promise<StorageHandle> {
  const handle = await openTestDatabase();
  databases.push(handle);
  for (const h of households) {
    await handle.db
      .insertInto('customers')
      .values({
        id: h.id,
        first_name: 'Cliente',
        last_name: h.id.slice(0, 6),
        locale: 'it-IT',
        segment: h.segment,
      })
      .execute();
    for (const [i, kind] of h.supplies.entries())
      await handle.db
        .insertInto('accounts')
        .values({
          id: randomUUID(),
          customer_id: h.id,
          number: `${kind.slice(0, 2).toUpperCase()}-${h.id.slice(0, 8)}-${i}`,
          kind,
          supply_address: 'Via Roma 1, Torino',
          tariff: 'monoraria',
          started_on: '2024-01-01',
        })
        .execute();
  }
  return handle;
}

// Each test's databases are let go once it ends: the server is shared with the other test files.
afterEach(async () => {
  for (const handle of databases.splice(0)) await handle.close();
});

async function censusAnswers(db: Kysely<Database>) {
  const source = createPostgresCensusSource(db);
  const filters = [
    { from: '2026-01-01', to: '2026-12-31' },
    { from: '2026-01-01', to: '2026-12-31', withinDays: 30 },
    { from: '2026-01-01', to: '2026-12-31', withinDays: 1, reason: 'payment' },
    { from: '2026-02-01', to: '2026-02-28', segment: 'senior' },
  ];
  return Promise.all(filters.map((f) => source.compute(CensusFilter.parse(f))));
}

async function snapshot(db: Kysely<Database>) {
  return {
    placements: await placements(db, { handoffs: true }),
    rollups: await rollups(db),
    census: await censusAnswers(db),
    // What tells a later import which of its rows are already there.
    sources: (
      await sql<{ source: string; external_id: string; interaction_id: string }>`select source,
        external_id, interaction_id from interaction_sources order by source, external_id`.execute(db)
    ).rows,
  };
}

/** The incremental way: the contacts in time order, a batch at a time, as an import in order writes them. */
async function incrementally(db: Kysely<Database>, contacts: readonly Contact[]) {
  const log = createPostgresStores(db).interactions;
  const ordered = [...contacts].sort(timeOrder);
  for (let i = 0; i < ordered.length; i += 200) await log.recordMany(ordered.slice(i, i + 200));
}

describe(`the bulk load of an empty interaction log on the ${databaseKind} database`, () => {
  // With hand-offs across reasons the app places the contacts; without any (an import from other
  // systems) or with hand-offs only within their reason's journey (a transfer) the database does.
  for (const [seed, handoffs, placedBy] of [
    [1, 'across', 'app'],
    [2, 'across', 'app'],
    [3, 'within', 'database'],
    [4, 'none', 'database'],
    [5, 'none', 'database'],
  ] as const) {
    it(`places and counts the same contacts exactly as the incremental way does, whatever order they are staged in (history ${seed}, hand-offs: ${handoffs})`, async () => {
      const { households, contacts } = history(20261205 + seed, { handoffs });
      const random = prng(seed);
      const incremental = await database(households);
      await incrementally(incremental.db, contacts);
      const bulk = await database(households);
      const load = await createPostgresInteractionLoader({ url: bulk.url, db: bulk.db }).start();
      const shuffled = random.shuffle(contacts);
      for (let i = 0; i < shuffled.length; i += 97) await load.add(shuffled.slice(i, i + 97));
      // A row the export repeats is stored once.
      await load.add([shuffled[0]!]);
      expect(await load.finish()).toEqual({ stored: contacts.length, path: 'bulk', placedBy });

      const expected = await snapshot(incremental.db);
      const loaded = await snapshot(bulk.db);
      expect(Object.keys(loaded.placements)).toHaveLength(contacts.length);
      expect(loaded.placements).toEqual(expected.placements);
      expect(loaded.rollups).toEqual(expected.rollups);
      expect(loaded.census).toEqual(expected.census);
      // What the fixture is meant to hold is there: journeys of several steps, hand-offs or none, turns
      // that settle nothing, transitions of 0 and of 30 days, walk-ins.
      const rows = Object.values(loaded.placements) as (typeof loaded.placements)[string][];
      expect(rows.some((r) => r.step >= 4)).toBe(true);
      expect(rows.some((r) => r.handoffFrom !== null)).toBe(handoffs !== 'none');
      expect(rows.some((r) => r.settled === null)).toBe(true);
      expect(rows.some((r) => r.gap === 0)).toBe(true);
      expect(rows.some((r) => r.segment === null)).toBe(true);
      expect(expected.rollups.transitions.length).toBeGreaterThan(20);
      // And they are what a recomputation from the log gives.
      await bulk.db.transaction().execute((trx) => sql.raw(recomputeRollups()).execute(trx));
      expect(await rollups(bulk.db)).toEqual(loaded.rollups);
    }, 120_000);
  }

  it('leaves a hand-off the window would not join to its origin to the app: a week later, or anonymous', async () => {
    const { households } = history(6);
    const [one] = households;
    const at = (day: number, hour = 9) =>
      new Date(Date.parse('2026-03-02T00:00:00Z') + day * DAY + hour * 3_600_000);
    let code = 0;
    const contact = (customerId: string | null, startedAt: Date, more: Partial<Contact> = {}): Contact => ({
      id: randomUUID(),
      customerId,
      channel: 'call_centre',
      touchpoint: 'agent',
      direction: 'inbound',
      reason: 'complaint',
      startedAt,
      endedAt: null,
      outcome: 'resolved',
      source: 'crm',
      externalId: `HO-${++code}`,
      ...more,
    });
    const origin = contact(one!.id, at(0), { outcome: 'handed_off' });
    // Taken up eight days later: the window would open a journey of its own.
    const contacts = [origin, contact(one!.id, at(8), { handoffFromId: origin.id })];
    const incremental = await database(households);
    await incrementally(incremental.db, contacts);
    const bulk = await database(households);
    const late = await createPostgresInteractionLoader({ url: bulk.url, db: bulk.db }).start();
    await late.add(contacts);
    expect(await late.finish()).toEqual({ stored: contacts.length, path: 'bulk', placedBy: 'app' });
    expect(await snapshot(bulk.db)).toEqual(await snapshot(incremental.db));
    // A walk-in passed on names a contact nobody can be placed after: refused, as ever.
    const handle = await database(households);
    const load = await createPostgresInteractionLoader({ url: handle.url, db: handle.db }).start();
    const walkIn = contact(null, at(1), { outcome: 'handed_off' });
    await load.add([walkIn, contact(null, at(1, 10), { handoffFromId: walkIn.id })]);
    await expect(load.finish()).rejects.toMatchObject({ code: 'not_found' });
  }, 120_000);

  // A later import: the log holds part of each customer's history already, and the file brings
  // contacts before, between and after those (an export of the same period from another system).
  for (const [seed, handoffs] of [
    [77, 'across'],
    [78, 'within'],
    [79, 'none'],
  ] as const) {
    it(`goes the incremental way when the log already holds contacts, a few customers per call, with the same result (history ${seed}, hand-offs: ${handoffs})`, async () => {
      const { households, contacts } = history(seed, { handoffs });
      const random = prng(seed);
      const incremental = await database(households);
      await incrementally(incremental.db, contacts);
      const mixed = await database(households);
      // A random third is stored first, in time order (a hand-off with its origin).
      const first = new Set(random.shuffle(contacts).slice(0, Math.floor(contacts.length / 3)));
      for (const c of contacts)
        if (c.handoffFromId && first.has(c)) first.add(contacts.find((o) => o.id === c.handoffFromId)!);
      await incrementally(mixed.db, [...first]);
      const own = new Map<string | null, number>();
      for (const c of contacts) own.set(c.customerId ?? null, (own.get(c.customerId ?? null) ?? 0) + 1);
      // A call ends between customers once its contacts and those its customers have stored reach
      // 12; a customer with more than 48 new ones goes in several.
      expect(Math.max(...own.values())).toBeGreaterThan(48);
      const loader = createPostgresInteractionLoader({ url: mixed.url, db: mixed.db, callRows: 12 });
      const load = await loader.start();
      // The whole file, the stored third too: those are already there.
      await load.add(random.shuffle(contacts));
      const told: number[] = [];
      const rest = contacts.length - first.size;
      expect(await load.finish((stored) => told.push(stored))).toEqual({ stored: rest, path: 'incremental' });
      expect(told.length).toBeGreaterThan(rest / 48);
      expect(told).toEqual([...told].sort((a, b) => a - b));
      expect(told.at(-1)).toBe(rest);
      const loaded = await snapshot(mixed.db);
      expect(loaded).toEqual(await snapshot(incremental.db));
      await mixed.db.transaction().execute((trx) => sql.raw(recomputeRollups()).execute(trx));
      expect(await rollups(mixed.db)).toEqual(loaded.rollups);
    }, 120_000);
  }

  it("weighs a call by the stored contacts it reads back: a file of a later month reads back little of the customers' history", async () => {
    const { households, contacts } = history(81, { handoffs: 'none' });
    const last = Math.max(...contacts.map((c) => (c.startedAt as Date).getTime()));
    // Two months after the history, two contacts of each customer: beyond the 30 days a new
    // contact can reach back to, so placing them reads only each reason's last contact.
    const later: Contact[] = households.flatMap((h, i) =>
      [0, 1].map((k) => ({
        ...contacts.find((c) => c.customerId === h.id)!,
        id: randomUUID(),
        handoffFromId: null,
        startedAt: new Date(last + 60 * DAY + i * 3600_000 + k * 60_000),
        endedAt: null,
        externalId: `NEXT-${i}-${k}`,
      })),
    );
    const reference = await database(households);
    await incrementally(reference.db, [...contacts, ...later]);
    const handle = await database(households);
    await incrementally(handle.db, contacts);
    const load = await createPostgresInteractionLoader({
      url: handle.url,
      db: handle.db,
      callRows: 12,
    }).start();
    await load.add(later);
    const told: number[] = [];
    expect(await load.finish((stored) => told.push(stored))).toEqual({
      stored: later.length,
      path: 'incremental',
    });
    // Six customers a call (2 each): counting every stored contact, two or fewer would fit.
    expect(told.length).toBeLessThanOrEqual(Math.ceil(later.length / 12));
    expect(await snapshot(handle.db)).toEqual(await snapshot(reference.db));
  }, 120_000);

  it('makes a contact written live while the load commits wait, then places it after the loaded ones', async () => {
    const { households, contacts } = history(88);
    const ordered = [...contacts].sort(timeOrder);
    const last = ordered.filter((c) => c.customerId !== null).at(-1)!;
    const live: Contact = {
      ...last,
      id: randomUUID(),
      channel: 'web',
      touchpoint: 'self_service',
      handoffFromId: null,
      outcome: 'resolved',
      startedAt: new Date((last.startedAt as Date).getTime() + 3600_000),
      endedAt: null,
      source: 'app',
      externalId: 'live-1',
    };
    const reference = await database(households);
    await incrementally(reference.db, [...contacts, live]);
    const handle = await database(households);
    const load = await createPostgresInteractionLoader({ url: handle.url, db: handle.db }).start();
    await load.add(contacts);
    const finishing = load.finish();
    // Once the load holds the log, the live contact is written: it waits for the load to commit.
    for (let i = 0; ; i++) {
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_locks
        where relation = 'interactions'::regclass and mode = 'ShareRowExclusiveLock' and granted`.execute(
        handle.db,
      );
      if (rows[0]!.n > 0) break;
      if (i > 2000) throw new Error('the load never took its lock');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const recorded = createPostgresStores(handle.db).interactions.record(live);
    expect(await finishing).toEqual({ stored: contacts.length, path: 'bulk', placedBy: 'app' });
    const stored = await recorded;
    expect(stored.journeyStep).toBeGreaterThan(0);
    expect(await snapshot(handle.db)).toEqual(await snapshot(reference.db));
  }, 120_000);

  it('goes the incremental way when a live contact arrives while the rows are staged', async () => {
    const { households, contacts } = history(99);
    const ordered = [...contacts].sort(timeOrder);
    const reference = await database(households);
    await incrementally(reference.db, contacts);
    const handle = await database(households);
    const load = await createPostgresInteractionLoader({ url: handle.url, db: handle.db }).start();
    await load.add(ordered.slice(1));
    await createPostgresStores(handle.db).interactions.record(ordered[0]!);
    expect(await load.finish()).toEqual({ stored: contacts.length - 1, path: 'incremental' });
    expect(await snapshot(handle.db)).toEqual(await snapshot(reference.db));
  }, 120_000);

  it('keeps the first of the rows an export gives under one key, whichever way the load goes', async () => {
    const { households, contacts } = history(12);
    const ordered = [...contacts].sort(timeOrder);
    const known = ordered.find((c) => c.customerId && !c.handoffFromId)!;
    // A correction the CRM exported after the row, and the row again: the key is stored once, as first given.
    const first = { ...known, id: randomUUID(), source: 'crm', externalId: 'CC-77', reason: 'moving' };
    const corrected = { ...first, id: randomUUID(), reason: 'outage', channel: 'email', touchpoint: 'inbox' };
    const again = { ...first, id: randomUUID() };
    for (const [path, before] of [
      ['bulk', []],
      ['incremental', ordered.slice(0, 10)],
    ] as const) {
      const handle = await database(households);
      await createPostgresStores(handle.db).interactions.recordMany(before);
      const load = await createPostgresInteractionLoader({ url: handle.url, db: handle.db }).start();
      await load.add([...ordered.slice(before.length, 40), first]);
      await load.add([corrected, ...ordered.slice(40, 60), again]);
      expect(await load.finish()).toMatchObject({ stored: 60 - before.length + 1, path });
      const stored = await createPostgresStores(handle.db).interactions.fromSource('crm', 'CC-77');
      expect(stored).toMatchObject({ id: first.id, reason: 'moving', channel: known.channel });
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from interactions`.execute(
        handle.db,
      );
      expect(rows[0]!.n).toBe(61);
    }
  }, 120_000);

  it('refuses contacts of a customer nobody has and a hand-off from no staged contact or a later one, storing nothing', async () => {
    const { households, contacts } = history(5);
    const handle = await database(households);
    const loader = createPostgresInteractionLoader({ url: handle.url, db: handle.db });
    const stranger = await loader.start();
    await stranger.add([
      ...contacts.slice(0, 20),
      { ...contacts[0]!, id: randomUUID(), customerId: randomUUID(), externalId: 'X-1' },
    ]);
    await expect(stranger.finish()).rejects.toMatchObject({
      code: 'not_found',
      message: expect.stringContaining('customer'),
    });
    const orphan = await loader.start();
    const known = contacts.find((c) => c.customerId !== null)!;
    await orphan.add([{ ...known, id: randomUUID(), externalId: 'X-2', handoffFromId: randomUUID() }]);
    await expect(orphan.finish()).rejects.toMatchObject({ code: 'not_found' });
    // A hand-off from a contact that comes after it, about the same reason a minute later: the
    // window would put both in one journey, the journey rule refuses the order.
    const backwards = await loader.start();
    const later = {
      ...known,
      id: randomUUID(),
      externalId: 'X-3',
      startedAt: new Date('2026-03-10T09:01:00Z'),
      endedAt: null,
    };
    await backwards.add([
      later,
      {
        ...known,
        id: randomUUID(),
        externalId: 'X-4',
        startedAt: new Date('2026-03-10T09:00:00Z'),
        endedAt: null,
        handoffFromId: later.id,
      },
    ]);
    await expect(backwards.finish()).rejects.toMatchObject({
      code: 'not_found',
      message: expect.stringContaining('not earlier than the contact'),
    });
    const bad = await loader.start();
    await expect(bad.add([{ ...known, channel: 'Not A Slug' }])).rejects.toMatchObject({
      code: 'invalid_input',
    });
    // Staging without a second reading is for contacts an import checked: no other value is one,
    // not even a contact of the very shape the log stores.
    expectTypeOf<ParsedInteraction>().not.toExtend<CheckedInteraction>();
    expectTypeOf(bad.addChecked).parameter(0).toEqualTypeOf<readonly CheckedInteraction[]>();
    await bad.abort();
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from interactions`.execute(handle.db);
    expect(rows[0]!.n).toBe(0);
    expect((await rollups(handle.db)).days).toEqual([]);
  }, 120_000);

  it('refuses an imported contact whose customer was deleted after the import checked it, storing nothing', async () => {
    const { households, contacts } = history(8, { handoffs: 'none' });
    const handle = await database(households);
    const gone = contacts.find((c) => c.customerId !== null)!.customerId!;
    const load = await createPostgresInteractionLoader({ url: handle.url, db: handle.db }).start();
    // As `importInteractions` stages them: read, checked, its customers found.
    const checked = contacts.map((c) => ({ ...parseInput(InteractionInput, c, 'contact'), id: c.id }));
    await load.addChecked(checked as unknown as CheckedInteraction[]);
    await sql`delete from accounts where customer_id = ${gone}`.execute(handle.db);
    await sql`delete from customers where id = ${gone}`.execute(handle.db);
    await expect(load.finish()).rejects.toMatchObject({ code: 'not_found' });
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from interactions`.execute(handle.db);
    expect(rows[0]!.n).toBe(0);
    expect((await rollups(handle.db)).days).toEqual([]);
  }, 60_000);

  it('counts contacts of the last hours by the real clock in the census of today, with ids of their own', async () => {
    const household: Household = { id: randomUUID(), segment: 'family', supplies: ['electricity', 'gas'] };
    const handle = await database([household]);
    const now = Date.now();
    const load = await createPostgresInteractionLoader({ url: handle.url, db: handle.db }).start();
    // No ids given: the loader makes them, ordered by the real clock.
    const recent: InteractionInput[] = [30, 20, 10].map((minutesAgo) => ({
      customerId: household.id,
      channel: 'call_centre',
      touchpoint: 'agent',
      direction: 'inbound',
      reason: 'payment',
      startedAt: new Date(now - minutesAgo * 60_000),
      outcome: 'resolved',
      source: 'crm',
      externalId: `NOW-${minutesAgo}`,
    }));
    await load.add(recent);
    expect(await load.finish()).toEqual({ stored: 3, path: 'bulk', placedBy: 'database' });
    // The day of the latest contact: run from 00:10 to 00:30 in Rome, the contacts span two days.
    const today = DateTime.fromMillis(now - 600_000)
      .setZone('Europe/Rome')
      .toISODate()!;
    const rows = await handle.db
      .selectFrom('interactions')
      .select(['id', 'journey_step', 'external_id'])
      .orderBy('started_at')
      .execute();
    expect(new Set(rows.map((r) => r.id)).size).toBe(3);
    expect(rows.map((r) => [r.external_id, r.journey_step])).toEqual([
      ['NOW-30', 1],
      ['NOW-20', 2],
      ['NOW-10', 3],
    ]);
    const census = await createPostgresCensusSource(handle.db).compute(
      CensusFilter.parse({
        from: DateTime.fromMillis(now - 2 * 3600_000)
          .setZone('Europe/Rome')
          .toISODate(),
        to: today,
      }),
    );
    expect(census.totals.contacts).toBe(3);
    expect(census.totals.customers).toBe(1);
  }, 60_000);
});
