import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChannelPilotError, createPostgresStores, type StorageHandle } from '../../core/index.ts';
import { createPostgresBulkLoader } from '../../core/storage/postgres-bulk-loader.ts';
import { demoIdGenerator, seedDemoData, type DemoDataSummary } from '../../app/seed/demo-data.ts';
import { openTestDatabase } from '../support/database.ts';

const now = new Date('2026-03-20T10:30:00Z');
const size = { customers: 200, interactions: 4000, seed: 7 };
const tables = [
  'customers',
  'consents',
  'accounts',
  'bills',
  'payments',
  'advisors',
  'interactions',
] as const;

let storage: StorageHandle;
let summary: DemoDataSummary;
const progress: { phase: string; done: number; total: number }[] = [];

function seed(onProgress?: (phase: string, done: number, total: number) => void) {
  const stores = createPostgresStores(storage.db, { newId: demoIdGenerator(size.seed) });
  return seedDemoData({ stores, bulk: createPostgresBulkLoader(storage.db), now, ...size, onProgress });
}

async function rows<T = Record<string, unknown>>(query: string): Promise<T[]> {
  return (await sql.raw<T>(query).execute(storage.db)).rows;
}

/** One fingerprint of every row the seed writes, in id order. */
async function fingerprint(): Promise<string> {
  const hash = createHash('sha256');
  for (const table of tables) {
    for (const row of await rows(`select * from ${table} order by id`)) hash.update(JSON.stringify(row));
  }
  return hash.digest('hex');
}

async function count(query: string): Promise<number> {
  const [row] = await rows<{ n: number }>(query);
  return Number(row?.n);
}

beforeAll(async () => {
  storage = await openTestDatabase();
  summary = await seed((phase, done, total) => progress.push({ phase, done, total }));
}, 120_000);

afterAll(async () => {
  await storage?.close();
});

describe('the demo dataset', () => {
  it('holds exactly the number of contacts asked for, and the counts it reports', async () => {
    expect(summary).toMatchObject({ customers: 200, interactions: 4000, advisors: 12, skipped: false });
    expect(await count('select count(*) as n from interactions')).toBe(4000);
    expect(await count('select count(*) as n from customers')).toBe(summary.customers);
    expect(await count('select count(*) as n from accounts')).toBe(summary.accounts);
    expect(await count('select count(*) as n from bills')).toBe(summary.bills);
    expect(await count('select count(*) as n from payments')).toBe(summary.payments);
    expect(summary.bills).toBeGreaterThan(summary.accounts * 6);
  });

  it('reports its progress phase by phase, ending with every contact written', () => {
    const phases = [...new Set(progress.map((p) => p.phase))];
    expect(phases).toEqual(['customers', 'bills', 'advisors', 'interactions']);
    expect(progress.at(-1)).toEqual({ phase: 'interactions', done: 4000, total: 4000 });
  });

  it('adds nothing when run again on a database that already holds it', async () => {
    const before = await fingerprint();
    const again = await seed();
    expect(again).toEqual({
      customers: 0,
      accounts: 0,
      bills: 0,
      payments: 0,
      advisors: 0,
      interactions: 0,
      skipped: true,
    });
    expect(await fingerprint()).toBe(before);
  });

  it('gives the same rows, row for row, when seeded again from scratch with the same seed', async () => {
    const first = await fingerprint();
    await sql`truncate table survey_answers, appointments, interactions, payments, bills, accounts, consents, advisors,
      customers, channels cascade`.execute(storage.db);
    expect(await count('select count(*) as n from interactions')).toBe(0);
    const second = await seed();
    expect(second).toEqual(summary);
    expect(await fingerprint()).toBe(first);
  });

  it('refuses a negative number of contacts, naming the field, before writing anything', async () => {
    const stores = createPostgresStores(storage.db);
    const attempt = seedDemoData({
      stores,
      bulk: createPostgresBulkLoader(storage.db),
      now,
      interactions: -1,
    });
    await expect(attempt).rejects.toThrow(ChannelPilotError);
    await expect(attempt).rejects.toMatchObject({
      code: 'invalid_input',
      issues: [{ path: 'interactions' }],
    });
  });

  it('is mostly Italian-speaking customers with Italian mobile numbers, some English speakers', async () => {
    const [mix] = await rows<{ italian: number; english: number; mobile39: number; total: number }>(`
      select count(*) filter (where locale = 'it-IT')::int as italian,
        count(*) filter (where locale = 'en-US')::int as english,
        count(*) filter (where phone like '+393%')::int as mobile39, count(*)::int as total from customers`);
    const { italian, english, mobile39, total } = mix ?? { italian: 0, english: 0, mobile39: 0, total: 1 };
    expect(italian / total).toBeGreaterThan(0.8);
    expect(english).toBeGreaterThan(5);
    expect(mobile39 / total).toBeGreaterThan(0.6);
  });

  it('opens the call centre on weekdays in office hours, thinly on Saturday mornings, never on Sunday', async () => {
    const calls = await rows<{ dow: number; hour: number; n: number }>(`
      select extract(isodow from started_at at time zone 'Europe/Rome')::int as dow,
        extract(hour from started_at at time zone 'Europe/Rome')::int as hour, count(*)::int as n
      from interactions where channel = 'call_centre' group by 1, 2`);
    const total = calls.reduce((a, c) => a + c.n, 0);
    const sum = (keep: (c: { dow: number; hour: number }) => boolean) =>
      calls.filter(keep).reduce((a, c) => a + c.n, 0);
    expect(sum((c) => c.dow === 7)).toBe(0);
    expect(sum((c) => c.dow <= 5 && c.hour >= 8 && c.hour < 20) / total).toBeGreaterThan(0.9);
    expect(
      sum((c) => c.dow <= 5 && ((c.hour >= 9 && c.hour < 12) || (c.hour >= 14 && c.hour < 17))) / total,
    ).toBeGreaterThan(0.6);
    const saturday = sum((c) => c.dow === 6);
    expect(saturday).toBeGreaterThan(0);
    expect(saturday / total).toBeLessThan(0.1);
    expect(sum((c) => c.dow === 1)).toBeGreaterThan(sum((c) => c.dow === 5));
  });

  it('bills more gas per day in January than in July', async () => {
    const [use] = await rows<{ january: number; july: number }>(`
      select avg(consumption_quantity / (period_end - period_start + 1)) filter (where extract(month from period_start) = 1) as january,
        avg(consumption_quantity / (period_end - period_start + 1)) filter (where extract(month from period_start) = 7) as july
      from bills where consumption_unit = 'Smc' and not cancelled`);
    expect(Number(use?.january)).toBeGreaterThan(3 * Number(use?.july));
  });

  it('makes every bill the sum of its lines and falls due about 20 days after issue', async () => {
    expect(
      await count(`select count(*) as n from bills b
        where amount_cents <> (select sum((l->>'amountCents')::int) from jsonb_array_elements(b.lines) l)`),
    ).toBe(0);
    expect(
      await count(`select count(*) as n from bills where due_on - issued_on not between 15 and 30`),
    ).toBe(0);
  });

  it('leaves most bills paid, some late, some partly, and a few of the latest open or overdue', async () => {
    const statuses = await rows<{ status: string; n: number }>(`
      select status, count(*)::int as n from (
        select case
          when coalesce(p.paid, 0) >= b.amount_cents and p.last::date > b.due_on then 'paid_late'
          when coalesce(p.paid, 0) >= b.amount_cents then 'paid'
          when coalesce(p.paid, 0) > 0 then 'partly_paid'
          when b.due_on < '2026-03-20' then 'overdue'
          else 'open' end as status
        from bills b left join (select bill_id, sum(amount_cents) as paid, max(paid_at) as last from payments group by 1) p
          on p.bill_id = b.id
        where not b.cancelled) s group by 1`);
    const by = Object.fromEntries(statuses.map((s) => [s.status, s.n]));
    const total = statuses.reduce((a, s) => a + s.n, 0);
    expect((by.paid ?? 0) / total).toBeGreaterThan(0.6);
    expect(by.paid_late ?? 0).toBeGreaterThan(0);
    expect(by.partly_paid ?? 0).toBeGreaterThan(0);
    expect((by.open ?? 0) + (by.overdue ?? 0)).toBeGreaterThan(0);
    expect(await count(`select count(distinct method) as n from payments`)).toBeGreaterThanOrEqual(4);
  });

  it('follows a share of contacts on another channel within the same journey', async () => {
    const [journeys] = await rows<{ total: number; cross: number }>(`
      select count(*)::int as total, count(*) filter (where channels > 1)::int as cross from (
        select journey_id, count(distinct channel) as channels from interactions
        where customer_id is not null group by 1) j`);
    const share = (journeys?.cross ?? 0) / (journeys?.total ?? 1);
    expect(share).toBeGreaterThan(0.05);
    expect(share).toBeLessThan(0.5);
  });

  it('points every handoff at an earlier contact of the same journey', async () => {
    const [handoffs] = await rows<{ total: number; broken: number }>(`
      select count(*)::int as total,
        count(*) filter (where o.id is null or o.journey_id <> i.journey_id or o.started_at >= i.started_at)::int as broken
      from interactions i left join interactions o on o.id = i.handoff_from_id
      where i.handoff_from_id is not null`);
    expect(handoffs?.total).toBeGreaterThan(20);
    expect(handoffs?.broken).toBe(0);
  });

  it('numbers the steps of every journey 1, 2, 3… without gaps or repeats', async () => {
    const [steps] = await rows<{ journeys: number; broken: number }>(`
      select count(*)::int as journeys,
        count(*) filter (where max_step <> contacts or distinct_steps <> contacts)::int as broken
      from (select journey_id, max(journey_step) as max_step, count(*) as contacts,
              count(distinct journey_step) as distinct_steps
            from interactions group by journey_id) j`);
    expect(steps?.journeys).toBeGreaterThan(100);
    expect(steps?.broken).toBe(0);
  });

  it('sends most SMS as notifications and keeps every contact on an existing channel', async () => {
    const [sms] = await rows<{ outbound: number; total: number }>(`
      select count(*) filter (where direction = 'outbound')::int as outbound, count(*)::int as total
      from interactions where channel = 'sms'`);
    expect((sms?.outbound ?? 0) / (sms?.total ?? 1)).toBeGreaterThan(0.7);
    expect(
      await count(`select count(*) as n from interactions i
        where not exists (select 1 from channels c where c.code = i.channel and c.kind = 'existing'
          and c.touchpoints @> jsonb_build_array(jsonb_build_object('code', i.touchpoint)))`),
    ).toBe(0);
  });
});
