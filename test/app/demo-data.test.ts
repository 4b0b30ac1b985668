import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { pino } from 'pino';
import { composeApp } from '../../app/compose.ts';
import { ChannelPilotError, createPostgresStores, type StorageHandle } from '../../core/index.ts';
import { createPostgresBulkLoader } from '../../core/storage/postgres-bulk-loader.ts';
import { createPostgresInteractionLoader } from '../../core/storage/postgres-interaction-loader.ts';
import { demoIdGenerator, seedDemoData, type DemoDataSummary } from '../../app/seed/demo-data.ts';
import { openTestDatabase } from '../support/database.ts';

const now = new Date('2026-03-20T10:30:00Z');
// Large enough that both pilots' cohorts have adopters (the video pilot draws 15% of two segments).
const size = { customers: 600, interactions: 12_000, seed: 7 };
const tables = [
  'customers',
  'consents',
  'accounts',
  'bills',
  'payments',
  'advisors',
  'interactions',
] as const;
// The rows the pilots add, without the columns the database stamps with the wall clock.
const pilotRows = [
  'select * from pilots order by id',
  'select * from pilot_enrolments order by pilot_id, customer_id',
  'select * from survey_answers order by id',
  `select id, customer_id, advisor_id, topic, locale, starts_at, ends_at, status, booked_via, journey_id,
     blocked::text as blocked from appointments order by id`,
  'select appointment_id, started_at, ended_at, ended_by, journey_recorded from consultations order by appointment_id',
  'select * from consultation_sessions order by appointment_id, session_id',
  `select id, dedupe_key, customer_id, kind, medium, recipient, subject, body, send_after, status, sent_at
     from outbox order by id`,
];

let storage: StorageHandle;
let summary: DemoDataSummary;
const progress: { phase: string; done: number; total: number }[] = [];

function seed(
  onProgress?: (phase: string, done: number, total: number) => void,
  on: StorageHandle = storage,
  pilots?: boolean,
) {
  const newId = demoIdGenerator(size.seed);
  const stores = createPostgresStores(on.db, { newId });
  return seedDemoData({
    stores,
    bulk: createPostgresBulkLoader(on),
    contacts: createPostgresInteractionLoader({ url: on.url, db: on.db, newId }),
    now,
    ...size,
    onProgress,
    ...(pilots === undefined ? {} : { pilots }),
  });
}

async function rows<T = Record<string, unknown>>(query: string, on: StorageHandle = storage): Promise<T[]> {
  return (await sql.raw<T>(query).execute(on.db)).rows;
}

/** One fingerprint of every row the seed writes, in id order. */
async function fingerprint(queries = tables.map((table) => `select * from ${table} order by id`)) {
  const hash = createHash('sha256');
  for (const query of queries) {
    for (const row of await rows(query)) hash.update(JSON.stringify(row));
  }
  return hash.digest('hex');
}

async function count(query: string, on: StorageHandle = storage): Promise<number> {
  const [row] = await rows<{ n: number }>(query, on);
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
  it('holds exactly the number of contacts asked for, pilot contacts included, and the counts it reports', async () => {
    expect(summary).toMatchObject({
      customers: 600,
      interactions: 12_000,
      advisors: 12,
      pilots: 2,
      skipped: false,
    });
    expect(await count('select count(*) as n from interactions')).toBe(12_000);
    expect(
      await count(`select count(*) as n from interactions i join channels c on c.code = i.channel
        where c.kind = 'pilot'`),
    ).toBe(summary.pilotContacts);
    expect(summary.pilotContacts).toBeGreaterThan(0);
    expect(await count('select count(*) as n from pilots')).toBe(summary.pilots);
    expect(await count('select count(*) as n from appointments')).toBe(summary.appointments);
    expect(await count('select count(*) as n from survey_answers')).toBe(summary.surveyAnswers);
    expect(await count('select count(*) as n from customers')).toBe(summary.customers);
    expect(await count('select count(*) as n from accounts')).toBe(summary.accounts);
    expect(await count('select count(*) as n from bills')).toBe(summary.bills);
    expect(await count('select count(*) as n from payments')).toBe(summary.payments);
    expect(summary.bills).toBeGreaterThan(summary.accounts * 6);
  });

  it('reports its progress phase by phase, ending with every contact written', () => {
    const phases = [...new Set(progress.map((p) => p.phase))];
    expect(phases).toEqual(['customers', 'bills', 'advisors', 'pilots', 'interactions']);
    expect(progress).toContainEqual({ phase: 'pilots', done: 2, total: 2 });
    expect(progress.at(-1)).toEqual({ phase: 'interactions', done: 12_000, total: 12_000 });
  });

  it('adds nothing when run again on a database that already holds it', async () => {
    const before = await fingerprint([...tables.map((t) => `select * from ${t} order by id`), ...pilotRows]);
    const again = await seed();
    expect(again).toEqual({
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
      skipped: true,
    });
    expect(await fingerprint([...tables.map((t) => `select * from ${t} order by id`), ...pilotRows])).toBe(
      before,
    );
  });

  it('gives the same rows, pilots and their evidence included, when seeded again from scratch with the same seed', async () => {
    const first = await fingerprint();
    const firstPilots = await fingerprint(pilotRows);
    // The log's source keys and rollups go with it, as they would in a restore.
    await sql`truncate table survey_answers, appointments, interactions, interaction_sources, census_days,
      census_transitions, census_reach, payments, bills, accounts, consents, advisors,
      customers, pilots, outbox, channels cascade`.execute(storage.db);
    expect(await count('select count(*) as n from interactions')).toBe(0);
    expect(await count('select count(*) as n from pilot_enrolments')).toBe(0);
    const second = await seed();
    expect(second).toEqual(summary);
    expect(await fingerprint()).toBe(first);
    expect(await fingerprint(pilotRows)).toBe(firstPilots);
  }, 60_000);

  it('stops with the error of a chunk of bills the database could not take, writing none after it and no contact', async () => {
    const other = await openTestDatabase();
    try {
      const bulk = createPostgresBulkLoader(other);
      const billChunks: number[] = [];
      const attempt = seedDemoData({
        stores: createPostgresStores(other.db),
        bulk: {
          ...bulk,
          bills: (chunk) => {
            billChunks.push(chunk.length);
            return bulk.bills(chunk);
          },
          payments: async () => {
            throw new Error('could not extend file: No space left on device');
          },
        },
        contacts: createPostgresInteractionLoader({ url: other.url, db: other.db }),
        now,
        ...size,
      });
      await expect(attempt).rejects.toThrow('No space left on device');
      // The first chunk's bills went in before its payments failed; none of the chunks after it.
      expect(billChunks).toHaveLength(1);
      expect(await count('select count(*)::int as n from bills', other)).toBe(billChunks[0]);
      expect(await count('select count(*)::int as n from interactions', other)).toBe(0);
    } finally {
      await other.close();
    }
  }, 120_000);

  it('refuses a negative number of contacts, naming the field, before writing anything', async () => {
    const stores = createPostgresStores(storage.db);
    const attempt = seedDemoData({
      stores,
      bulk: createPostgresBulkLoader(storage),
      contacts: createPostgresInteractionLoader({ url: storage.url, db: storage.db }),
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

  it("sends most SMS as notifications and keeps every contact but the pilots' on an existing channel", async () => {
    const [sms] = await rows<{ outbound: number; total: number }>(`
      select count(*) filter (where direction = 'outbound')::int as outbound, count(*)::int as total
      from interactions where channel = 'sms'`);
    expect((sms?.outbound ?? 0) / (sms?.total ?? 1)).toBeGreaterThan(0.7);
    expect(
      await count(`select count(*) as n from interactions i
        where not exists (select 1 from channels c where c.code = i.channel
          and c.touchpoints @> jsonb_build_array(jsonb_build_object('code', i.touchpoint)))`),
    ).toBe(0);
    expect(
      await count(`select count(*) as n from interactions i
        where i.channel not in (select code from channels where kind = 'existing')
          and i.channel not in (select channel from pilots)`),
    ).toBe(0);
  });
});

/** pilot code → its first day */
async function startDays(): Promise<Map<string, string>> {
  const list = await rows<{ code: string; starts_on: string }>(`select code, starts_on::text from pilots`);
  return new Map(list.map((p) => [p.code, p.starts_on]));
}

/** customer id → pilot code → arm */
async function armsByCustomer(): Promise<Map<string, Map<string, string>>> {
  const arms = new Map<string, Map<string, string>>();
  for (const e of await rows<{ customer_id: string; code: string; arm: string }>(`
      select e.customer_id, p.code, e.arm from pilot_enrolments e join pilots p on p.id = e.pilot_id`)) {
    const of = arms.get(e.customer_id) ?? new Map<string, string>();
    of.set(e.code, e.arm);
    arms.set(e.customer_id, of);
  }
  return arms;
}

describe('the demo pilots', () => {
  it("runs a voice and a video pilot from their start days, with the pilot desk's cohort in both arms", async () => {
    const pilots = await rows(`
      select code, channel, touchpoints, reasons, segments, status, starts_on::text as starts_on,
        ends_on::text as ends_on, rollout_percent::float as rollout, control_percent::float as control,
        closing_survey, (created_at at time zone 'Europe/Rome')::date::text as created_on
      from pilots order by code`);
    expect(pilots).toEqual([
      {
        code: 'alexa_bills',
        channel: 'voice_assistant',
        touchpoints: ['alexa'],
        reasons: ['bill_explanation', 'bill_copy', 'payment', 'payment_plan'],
        segments: ['residential', 'family', 'young'],
        status: 'running',
        starts_on: '2026-01-23',
        ends_on: '2026-04-17',
        rollout: 20,
        control: 20,
        closing_survey: true,
        created_on: '2026-01-23',
      },
      {
        code: 'video_advice',
        channel: 'video',
        touchpoints: ['consultation'],
        reasons: ['bill_explanation', 'payment', 'payment_plan'],
        segments: ['senior', 'small_business'],
        status: 'running',
        starts_on: '2026-02-06',
        ends_on: '2026-05-01',
        rollout: 15,
        control: 15,
        closing_survey: false,
        created_on: '2026-02-06',
      },
    ]);
    const cohorts = await rows<{
      code: string;
      arm: string;
      n: number;
      outside: number;
      late: number;
      invited: number;
      eligible: number;
    }>(`
      select p.code, e.arm, count(*)::int as n,
        count(*) filter (where c.segment <> all(p.segments))::int as outside,
        count(*) filter (where (e.enrolled_at at time zone 'Europe/Rome')::date <> p.starts_on)::int as late,
        count(e.invited_at)::int as invited,
        (select count(*)::int from customers x where x.segment = any(p.segments)) as eligible
      from pilot_enrolments e join pilots p on p.id = e.pilot_id join customers c on c.id = e.customer_id
      group by p.code, e.arm, p.segments order by 1, 2`);
    expect(cohorts.map((c) => `${c.code}/${c.arm}`)).toEqual([
      'alexa_bills/control',
      'alexa_bills/pilot',
      'video_advice/control',
      'video_advice/pilot',
    ]);
    for (const cohort of cohorts) {
      expect(cohort.n).toBeGreaterThan(5);
      // A 15–20% draw of the eligible customers, give or take chance.
      expect(cohort.n / cohort.eligible).toBeGreaterThan(0.08);
      expect(cohort.n / cohort.eligible).toBeLessThan(0.3);
      expect(cohort.outside).toBe(0);
      expect(cohort.late).toBe(0);
      if (cohort.arm === 'control') expect(cohort.invited).toBe(0);
      // Those who agreed to no medium are enrolled but not invited.
      else expect(cohort.invited).toBeGreaterThan(0.8 * cohort.n);
    }
    // Their invitations were queued and went out that morning.
    const invitations = await rows<{ code: string; status: string; sent_on: string; n: number }>(`
      select p.code, o.status, (o.sent_at at time zone 'Europe/Rome')::date::text as sent_on, count(*)::int as n
      from outbox o join pilots p on o.dedupe_key like 'pilot-invitation:' || p.id || ':%'
      where o.kind = 'pilot_invitation' group by 1, 2, 3 order by 1`);
    expect(invitations.map(({ code, status, sent_on }) => [code, status, sent_on])).toEqual([
      ['alexa_bills', 'sent', '2026-01-23'],
      ['video_advice', 'sent', '2026-02-06'],
    ]);
    expect(invitations.reduce((a, i) => a + i.n, 0)).toBe(await count(`select count(*) as n from outbox`));
    for (const code of ['alexa_bills', 'video_advice']) {
      const messaged = invitations.filter((i) => i.code === code).reduce((a, i) => a + i.n, 0);
      expect(messaged).toBe(cohorts.find((c) => c.code === code && c.arm === 'pilot')?.invited);
    }
  });

  it("puts a pilot channel's contacts only on its pilot arm, within its period and for the reasons it serves", async () => {
    const contacts = await rows<{
      code: string;
      n: number;
      outside_arm: number;
      outside_period: number;
      not_served: number;
    }>(`
      select p.code, count(*)::int as n,
        count(*) filter (where e.arm is distinct from 'pilot')::int as outside_arm,
        count(*) filter (where (i.started_at at time zone 'Europe/Rome')::date < p.starts_on
          or i.started_at >= '${now.toISOString()}')::int as outside_period,
        count(*) filter (where i.reason <> all(p.reasons) or i.touchpoint <> all(p.touchpoints))::int as not_served
      from interactions i join pilots p on p.channel = i.channel
        left join pilot_enrolments e on e.pilot_id = p.id and e.customer_id = i.customer_id
      group by 1 order by 1`);
    expect(contacts.map((c) => c.code)).toEqual(['alexa_bills', 'video_advice']);
    for (const c of contacts) {
      expect(c.n).toBeGreaterThan(3);
      expect([c.outside_arm, c.outside_period, c.not_served]).toEqual([0, 0, 0]);
    }
    // Adopters, not the whole arm: some of the pilot arm never used the channel.
    const [voice] = await rows<{ adopters: number; arm: number }>(`
      select count(distinct i.customer_id)::int as adopters,
        (select count(*)::int from pilot_enrolments e join pilots p on p.id = e.pilot_id
         where p.code = 'alexa_bills' and e.arm = 'pilot') as arm
      from interactions i where i.channel = 'voice_assistant'`);
    expect(voice!.adopters).toBeGreaterThan(0.05 * voice!.arm);
    expect(voice!.adopters).toBeLessThan(0.5 * voice!.arm);
  });

  it("keeps the assistant's conversations short and hands them over to a contact that points back to them", async () => {
    const voice = await rows<{ outcome: string; seconds: number; targets: number; callbacks: number }>(`
      select v.outcome, extract(epoch from v.ended_at - v.started_at)::float as seconds,
        (select count(*)::int from interactions t where t.handoff_from_id = v.id
          and t.journey_id = v.journey_id and t.started_at > v.started_at) as targets,
        (select count(*)::int from interactions t where t.handoff_from_id = v.id
          and t.channel = 'call_centre' and t.touchpoint = 'callback') as callbacks
      from interactions v where v.channel = 'voice_assistant'`);
    expect(voice.every((v) => v.seconds > 0 && v.seconds <= 180)).toBe(true);
    expect(voice.filter((v) => v.outcome === 'resolved').every((v) => v.seconds >= 60)).toBe(true);
    const resolved = voice.filter((v) => v.outcome === 'resolved').length;
    expect(resolved / voice.length).toBeGreaterThan(0.5);
    expect(voice.some((v) => v.outcome === 'abandoned' || v.outcome === 'failed')).toBe(true);
    // Only a handed-off conversation is continued by a contact that names it.
    expect(voice.filter((v) => v.outcome !== 'handed_off' && v.targets > 0)).toEqual([]);
    const handedOff = voice.filter((v) => v.outcome === 'handed_off');
    expect(handedOff.length).toBeGreaterThan(0);
    expect(handedOff.filter((v) => v.targets > 0).length / handedOff.length).toBeGreaterThanOrEqual(0.5);
    expect(handedOff.some((v) => v.callbacks > 0)).toBe(true);
  });

  it("books every video contact as a consultation held or missed in an advisor's hours, never two at once", async () => {
    const video = await rows<{
      outcome: string;
      started_at: Date;
      ended_at: Date | null;
      appointment: string | null;
      same_customer: boolean;
      status: string;
      starts_at: Date;
      dow: number;
      from_local: string;
      to_local: string;
      speaks: boolean;
      covers: boolean;
      working_hours: { weekday: number; start: string; end: string }[];
      recorded: boolean;
      held_from: Date | null;
      held_until: Date | null;
    }>(`
      select i.outcome, i.started_at, i.ended_at, a.id as appointment, a.customer_id = i.customer_id as same_customer,
        a.status, a.starts_at, extract(isodow from a.starts_at at time zone 'Europe/Rome')::int as dow,
        to_char(a.starts_at at time zone 'Europe/Rome', 'HH24:MI') as from_local,
        to_char(a.ends_at at time zone 'Europe/Rome', 'HH24:MI') as to_local,
        c.locale = any(d.languages) as speaks, a.topic = any(d.topics) as covers, d.working_hours,
        k.journey_recorded as recorded, k.started_at as held_from, k.ended_at as held_until
      from interactions i
        left join appointments a on a.id = (i.details->>'appointmentId')::uuid
        left join customers c on c.id = a.customer_id
        left join advisors d on d.id = a.advisor_id
        left join consultations k on k.appointment_id = a.id
      where i.channel = 'video'`);
    expect(video.length).toBeGreaterThan(3);
    // The others were missed by their customer: appointments, no contact of theirs.
    const missed = await rows<{ status: string; came: string[] }>(`
      select a.status, array(select distinct s.role from consultation_sessions s
        where s.appointment_id = a.id and s.joined_at is not null) as came
      from appointments a where not exists (select 1 from interactions i
        where i.channel = 'video' and i.details->>'appointmentId' = a.id::text)`);
    expect(await count('select count(*) as n from appointments')).toBe(video.length + missed.length);
    expect(missed.length).toBeGreaterThan(0);
    for (const m of missed)
      expect(m).toMatchObject({ status: 'no_show', came: expect.not.arrayContaining(['customer']) });
    for (const v of video) {
      expect(v.appointment).not.toBeNull();
      expect(v.same_customer && v.speaks && v.covers && v.recorded).toBe(true);
      expect(
        v.working_hours.some((h) => h.weekday === v.dow && h.start <= v.from_local && v.to_local <= h.end),
      ).toBe(true);
      expect(['completed', 'no_show']).toContain(v.status);
      expect(v.outcome).toBe(v.status === 'completed' ? 'resolved' : 'failed');
      if (v.status === 'completed') {
        expect(v.started_at).toEqual(v.held_from);
        const minutes = (v.ended_at!.getTime() - v.started_at.getTime()) / 60_000;
        expect(minutes).toBeGreaterThanOrEqual(15);
        expect(minutes).toBeLessThanOrEqual(30);
        expect(Math.abs(v.started_at.getTime() - v.starts_at.getTime())).toBeLessThan(10 * 60_000);
      } else expect(v.started_at).toEqual(v.starts_at);
    }
    expect(video.some((v) => v.status === 'completed')).toBe(true);
    // Buffers included, no advisor holds two consultations at once, nor more than eight a day.
    expect(
      await count(`select count(*) as n from appointments a join appointments b
        on a.advisor_id = b.advisor_id and a.id < b.id and a.blocked && b.blocked`),
    ).toBe(0);
    expect(
      await count(`select coalesce(max(n), 0) as n from (select count(*) as n from appointments
        group by advisor_id, (starts_at at time zone 'Europe/Rome')::date) d`),
    ).toBeLessThanOrEqual(8);
    expect(
      await count(`select count(*) as n from appointments where status in ('booked', 'in_progress')`),
    ).toBe(0);
  });

  it('collects NPS on about a third of pilot contacts, CSAT on consultations, and NPS from both arms elsewhere', async () => {
    const answers = await rows<{
      metric: string;
      channel: string;
      kind: string;
      arm: string | null;
      in_period: boolean;
      in_order: boolean;
    }>(`
      select s.metric, i.channel, ch.kind, e.arm,
        (i.started_at at time zone 'Europe/Rome')::date >= p.starts_on as in_period,
        s.answered_at > i.started_at and s.answered_at < '${now.toISOString()}' as in_order
      from survey_answers s join interactions i on i.id = s.interaction_id
        join channels ch on ch.code = i.channel
        left join pilot_enrolments e on e.customer_id = i.customer_id
        left join pilots p on p.id = e.pilot_id`);
    expect(answers.every((a) => a.arm !== null && a.in_period && a.in_order)).toBe(true);
    expect(answers.filter((a) => a.metric === 'csat').every((a) => a.channel === 'video')).toBe(true);
    const onPilots = answers.filter((a) => a.kind === 'pilot' && a.metric === 'nps').length;
    const pilotContacts = await count(`select count(*) as n from interactions i
      join channels c on c.code = i.channel where c.kind = 'pilot'`);
    expect(onPilots / pilotContacts).toBeGreaterThan(0.15);
    expect(onPilots / pilotContacts).toBeLessThan(0.5);
    const elsewhere = answers.filter((a) => a.kind === 'existing');
    expect(elsewhere.every((a) => a.metric === 'nps')).toBe(true);
    expect(elsewhere.filter((a) => a.arm === 'pilot').length).toBeGreaterThan(5);
    expect(elsewhere.filter((a) => a.arm === 'control').length).toBeGreaterThan(5);
  });
});

describe('the same demo dataset without pilots', () => {
  let baseline: StorageHandle;

  beforeAll(async () => {
    baseline = await openTestDatabase();
    await seed(undefined, baseline, false);
  }, 120_000);

  afterAll(async () => {
    await baseline?.close();
  });

  type Contact = {
    id: string;
    customer_id: string | null;
    channel: string;
    touchpoint: string;
    reason: string;
    started_at: Date;
    local_day: string;
    handoff_from_id: string | null;
    external_id: string;
    moved: string;
  };
  const contactsOf = (on: StorageHandle) =>
    rows<Contact>(
      `select id, customer_id, channel, touchpoint, reason, started_at,
        (started_at at time zone 'Europe/Rome')::date::text as local_day, handoff_from_id, external_id,
        concat_ws('|', channel, touchpoint, direction, started_at, ended_at, outcome, details) as moved
      from interactions order by id`,
      on,
    );

  it("holds the same contacts, and moved only pilot-arm customers' onto the pilot channels", async () => {
    expect(await count('select count(*) as n from pilots')).toBe(2);
    expect(await rows('select id from pilots', baseline)).toEqual([]);
    const [withPilots, without] = [await contactsOf(storage), await contactsOf(baseline)];
    expect(withPilots.length).toBe(without.length);
    const arms = await armsByCustomer();
    const byId = new Map(withPilots.map((c) => [c.id, c]));
    let moved = 0;
    for (const before of without) {
      const after = byId.get(before.id);
      expect(after).toBeDefined();
      const { customer_id, reason, external_id, handoff_from_id } = after!;
      // A contact that became a consultation is known by the consultation, as the lifecycle records it.
      const consultation = after!.channel === 'video' && before.channel !== 'video';
      expect({ customer_id, reason, external_id, handoff_from_id }).toEqual({
        customer_id: before.customer_id,
        reason: before.reason,
        external_id: consultation
          ? expect.stringMatching(/^consultation:[0-9a-f-]{36}$/)
          : before.external_id,
        handoff_from_id: before.handoff_from_id,
      });
      if (after!.moved === before.moved) continue;
      moved++;
      expect([...(arms.get(after!.customer_id ?? '')?.values() ?? [])]).toContain('pilot');
      const origin = after!.handoff_from_id ? byId.get(after!.handoff_from_id) : undefined;
      // On a pilot channel now, or the call-centre callback the assistant handed over to.
      const onPilot = after!.channel === 'voice_assistant' || after!.channel === 'video';
      const callback =
        after!.channel === 'call_centre' &&
        after!.touchpoint === 'callback' &&
        origin?.channel === 'voice_assistant';
      expect(onPilot || callback).toBe(true);
    }
    expect(moved).toBeGreaterThanOrEqual(summary.pilotContacts);
  });

  it('gives the pilot arm fewer calls during the pilot than it would have had, and control exactly as many', async () => {
    const starts = await startDays();
    const arms = await armsByCustomer();
    const calls = (contacts: Contact[]) => {
      const tally = new Map<string, number>();
      for (const c of contacts) {
        if (c.channel !== 'call_centre' || !c.customer_id) continue;
        for (const [code, arm] of arms.get(c.customer_id) ?? []) {
          if (c.local_day < starts.get(code)!) continue;
          tally.set(`${code}/${arm}`, (tally.get(`${code}/${arm}`) ?? 0) + 1);
        }
      }
      return tally;
    };
    const [withPilots, without] = [calls(await contactsOf(storage)), calls(await contactsOf(baseline))];
    for (const code of ['alexa_bills', 'video_advice']) {
      expect(withPilots.get(`${code}/control`)).toBe(without.get(`${code}/control`));
      expect(withPilots.get(`${code}/pilot`)).toBeLessThan(without.get(`${code}/pilot`)!);
    }
    // The voice pilot moves enough calls to show: a drop of more than 5% against its own baseline.
    expect(withPilots.get('alexa_bills/pilot')! / without.get('alexa_bills/pilot')!).toBeLessThan(0.95);
  });
});

describe('the demo’s consultations', () => {
  it('can be wrapped up by their advisor and rated by their customer: their journey entries are the video channel’s', async () => {
    const [done] = await rows<{ id: string; ends_at: Date; advisor_id: string }>(
      `select a.id, a.ends_at, a.advisor_id from appointments a
         join interactions i on i.source = 'video' and i.external_id = 'consultation:' || a.id
       where a.status = 'completed'
         and not exists (select 1 from survey_answers s where s.interaction_id = i.id)
       order by a.starts_at desc limit 1`,
    );
    expect(done).toBeDefined();
    const at = new Date(new Date(done!.ends_at).getTime() + 5 * 60_000);
    const composed = await composeApp({
      storage,
      config: { PUBLIC_URL: 'http://localhost:3000', SESSION_TTL_HOURS: 1, COOKIE_SECURE: false },
      logger: pino({ level: 'silent' }),
      clock: { now: () => at },
    });
    const advisorLogin = await composed.stores.staff.addUser({
      username: 'demo-consultation-advisor',
      displayName: 'Demo advisor',
      role: 'advisor',
      password: 'correct horse battery staple',
    });
    await composed.stores.advisors.setStaffUser(done!.advisor_id, advisorLogin.id);
    const advisor = request.agent(composed.app);
    await advisor
      .post('/api/auth/login')
      .send({ username: advisorLogin.username, password: 'correct horse battery staple' })
      .expect(200);
    const wrapped = await advisor
      .post(`/api/appointments/${done!.id}/wrap-up`)
      .send({ outcome: 'resolved', notes: 'Spiegata la lettura stimata del contatore.' });
    expect(wrapped.status, wrapped.text).toBe(200);
    expect(wrapped.body.details.wrapUp).toMatchObject({ outcome: 'resolved' });
    const join = composed.appointmentLinks.issue('join', done!.id, new Date(at.getTime() + 3_600_000));
    const rated = await request(composed.app)
      .post(`/api/links/join/${join.token}/survey`)
      .send({ nps: 9, csat: 5, comment: 'Molto chiaro' });
    expect(rated.status, rated.text).toBe(201);
    expect(
      await count(
        `select count(*) as n from survey_answers s join interactions i on i.id = s.interaction_id
          where i.source = 'video' and i.external_id = 'consultation:${done!.id}'`,
      ),
    ).toBe(2);
  });
});
