import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresStores, type StorageHandle } from '../../core/index.ts';
import type { PilotMetrics } from '../../core/evidence.ts';
import { createPostgresPilotMetricsSource } from '../../core/storage/postgres-pilot-metrics.ts';
import { databaseKind, openTestDatabase } from '../support/database.ts';
import { everyChannel, FIXED_NOW, fixedClock } from '../support/fixtures.ts';

// A handful of customers whose contacts sit on the edges of what a pilot report reads: the first
// and last instants of the period, follow-ups after its end, the first instant of the baseline
// weeks (across the autumn clock change), contacts just outside them, several answers about one
// contact, a handoff taken up weeks later in another month, and a customer of another pilot. The
// expected figures are worked out by hand below, contact by contact.
//
// The pilot ran from 2026-01-05 to 2026-01-31 (Rome): the period is [2026-01-04T23:00Z,
// 2026-01-31T23:00Z); follow-ups count up to 7 days after a contact; the 12 baseline weeks start
// on 2025-10-13 00:00 in Rome, still summer time: 2025-10-12T22:00Z.

let n = 0;
const id = () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;

const customers = {
  giulia: { id: id(), name: ['Giulia', 'Bianchi'], arm: 'pilot', via: 'rollout', segment: 'residential' },
  marco: { id: id(), name: ['Marco', 'Esposito'], arm: 'pilot', via: 'rollout', segment: 'small_business' },
  sofia: { id: id(), name: ['Sofia', 'Ricci'], arm: 'pilot', via: 'explicit', segment: 'senior' },
  paolo: { id: id(), name: ['Paolo', 'Greco'], arm: 'pilot', via: 'rollout', segment: 'young' },
  luca: { id: id(), name: ['Luca', 'Romano'], arm: 'control', via: 'rollout', segment: 'residential' },
  chiara: { id: id(), name: ['Chiara', 'Colombo'], arm: 'control', via: 'rollout', segment: 'family' },
  // In another pilot's cohort, not this one's.
  elena: { id: id(), name: ['Elena', 'Marino'], arm: 'pilot', via: 'rollout', segment: 'residential' },
} as const;
type Who = keyof typeof customers;

// Each customer's supplies (the contacts' details name the one asked about).
const supplies: Record<Who, string[]> = {
  giulia: ['IT001E04417211', 'PDR 09951200451788', 'IT001E04417290'],
  marco: ['IT001E81234567', 'PDR 00881234567890'],
  sofia: ['IT001E55500012'],
  paolo: ['IT001E70000123'],
  luca: ['IT001E31001122', 'PDR 05120001234567', 'IT001E31001199'],
  chiara: ['IT001E42424242'],
  elena: ['IT001E99990001'],
};

interface Row {
  id: string;
  who: Who;
  channel: string;
  reason: string;
  at: string;
  outcome: string;
  minutes?: number;
  journey?: string;
  step?: number;
  from?: string;
  supply?: number;
}
const contacts: Row[] = [];
const contact = (who: Who, channel: string, reason: string, at: string, outcome: string, more = {}) => {
  const row: Row = { id: id(), who, channel, reason, at, outcome, ...more };
  contacts.push(row);
  return row;
};
const answers: { interaction: string; metric: 'nps' | 'csat' | 'ces'; score: number }[] = [];
const answer = (row: Row, metric: 'nps' | 'csat' | 'ces', score: number) =>
  answers.push({ interaction: row.id, metric, score });

// Giulia, three supplies: two bills explained by the voice assistant in the period's last half
// hour, then the web page exactly 7 days after the first (a follow-up of both, after the period).
const g1 = contact('giulia', 'voice_assistant', 'bill_explanation', '2026-01-31T22:30:00Z', 'resolved', {
  minutes: 4,
});
contact('giulia', 'voice_assistant', 'bill_explanation', '2026-01-31T22:45:00Z', 'resolved', {
  minutes: 3,
  supply: 1,
});
contact('giulia', 'web', 'bill_explanation', '2026-02-07T22:30:00Z', 'resolved', { supply: 2 });
answer(g1, 'nps', 9);
answer(g1, 'csat', 4);
answer(g1, 'ces', 2);
// Baseline: the first instant of the 12 weeks, one millisecond before it, a complaint on the
// period's eve, and a turn that asked back (not a contact).
const g4 = contact('giulia', 'call_centre', 'payment', '2025-10-12T22:00:00Z', 'resolved');
answer(g4, 'nps', 3);
contact('giulia', 'email', 'payment', '2025-10-12T21:59:59.999Z', 'resolved');
contact('giulia', 'call_centre', 'complaint', '2026-01-04T22:59:59Z', 'resolved', { supply: 1 });
contact('giulia', 'call_centre', 'bill_explanation', '2026-01-04T22:00:00Z', 'continued');

// Marco, two supplies: a payment handed off and taken up by the call centre six weeks later (in
// February's partition, past every window), a payment by the SMS's link five days after it, a
// bill explanation handed off that only went on as a turn that asked back, and a voice contact a
// millisecond before the period.
contact('marco', 'voice_assistant', 'payment', '2026-01-04T22:59:59.999Z', 'resolved');
const m2 = contact('marco', 'voice_assistant', 'payment', '2026-01-10T09:00:00Z', 'handed_off', {
  minutes: 5,
  journey: id(),
  step: 1,
});
contact('marco', 'call_centre', 'payment', '2026-02-20T10:00:00Z', 'resolved', {
  journey: m2.journey,
  step: 2,
  from: m2.id,
});
answer(m2, 'csat', 2);
const m4 = contact('marco', 'voice_assistant', 'bill_explanation', '2026-01-20T08:00:00Z', 'handed_off', {
  journey: id(),
  step: 1,
  supply: 1,
});
const m5 = contact('marco', 'call_centre', 'bill_explanation', '2026-01-20T08:10:00Z', 'continued', {
  journey: m4.journey,
  step: 2,
  supply: 1,
});
answer(m5, 'nps', 10);
contact('marco', 'sms', 'payment', '2026-01-15T10:00:00Z', 'resolved');

// Sofia, named by hand: a voice contact on the period's first instant, and a video call 7 days
// and 1 ms later (not a follow-up).
const s1 = contact('sofia', 'voice_assistant', 'appointment', '2026-01-04T23:00:00Z', 'resolved', {
  minutes: 1,
});
contact('sofia', 'video', 'appointment', '2026-01-11T23:00:00.001Z', 'resolved');
answer(s1, 'nps', 6);
answer(s1, 'csat', 5);

// Paolo: contacts in the baseline weeks only.
contact('paolo', 'web', 'payment', '2025-11-15T10:00:00Z', 'resolved');
contact('paolo', 'shop', 'complaint', '2025-12-20T10:00:00Z', 'resolved');

// Luca, control, three supplies: two calls at the same instant, a complaint by e-mail, the voice
// assistant against the rules, the web page on the period's end, and a call in the baseline.
const l1 = contact('luca', 'call_centre', 'bill_explanation', '2026-01-12T10:00:00Z', 'resolved');
contact('luca', 'call_centre', 'bill_explanation', '2026-01-12T10:00:00Z', 'resolved', { supply: 2 });
const l3 = contact('luca', 'email', 'complaint', '2026-01-25T10:00:00Z', 'resolved', { supply: 1 });
const l4 = contact('luca', 'voice_assistant', 'payment', '2026-01-20T10:00:00Z', 'resolved');
contact('luca', 'web', 'payment', '2026-01-31T23:00:00Z', 'resolved');
contact('luca', 'call_centre', 'payment', '2025-12-01T10:00:00Z', 'resolved');
answer(l1, 'nps', 8);
answer(l3, 'nps', 2);
answer(l4, 'nps', 10);

// Chiara, control: nothing at all. Elena: another pilot's customer, on the voice assistant.
const e1 = contact('elena', 'voice_assistant', 'payment', '2026-01-14T18:00:00Z', 'resolved', { minutes: 2 });
answer(e1, 'nps', 0);
contact('elena', 'call_centre', 'payment', '2025-12-10T10:00:00Z', 'resolved');

const pilot = {
  id: id(),
  channel: 'voice_assistant',
  startsOn: '2026-01-05',
  endsOn: '2026-01-31',
  withinDays: 7,
  rolloutPercent: 60,
  controlPercent: 40,
};
const otherPilot = id();

let storage: StorageHandle;

beforeAll(async () => {
  storage = await openTestDatabase();
  const db = storage.db;
  const stores = createPostgresStores(db, { clock: fixedClock });
  for (const channel of everyChannel) await stores.channels.register(channel);
  await db
    .insertInto('customers')
    .values(
      Object.values(customers).map((c) => ({
        id: c.id,
        first_name: c.name[0],
        last_name: c.name[1],
        locale: 'it-IT',
        segment: c.segment,
      })),
    )
    .execute();
  for (const [pilotId, code] of [
    [pilot.id, 'voce-bollette'],
    [otherPilot, 'voce-pagamenti'],
  ] as const) {
    await db
      .insertInto('pilots')
      .values({
        id: pilotId,
        code,
        name: code,
        channel: 'voice_assistant',
        touchpoints: ['alexa_skill'],
        reasons: ['bill_explanation', 'payment'],
        objectives: '[]',
        starts_on: pilot.startsOn,
        ends_on: pilot.endsOn,
        status: 'ended',
        segments: [],
        rollout_percent: pilot.rolloutPercent,
        control_percent: pilot.controlPercent,
        open_to_everyone: false,
        closing_survey: true,
        within_days: pilot.withinDays,
        advisor_share: 1,
        created_at: '2025-12-15T10:00:00Z',
        updated_at: '2025-12-15T10:00:00Z',
      })
      .execute();
  }
  await db
    .insertInto('pilot_enrolments')
    .values(
      (Object.keys(customers) as Who[]).map((who) => ({
        pilot_id: who === 'elena' ? otherPilot : pilot.id,
        customer_id: customers[who].id,
        arm: customers[who].arm,
        via: customers[who].via,
        enrolled_at: '2026-01-02T09:00:00Z',
        invited_at: who === 'giulia' || who === 'sofia' ? '2026-01-03T09:00:00Z' : null,
      })),
    )
    .execute();
  await sql`select ensure_interaction_month(at) from unnest(${contacts.map((c) => c.at)}::timestamptz[]) as at`.execute(
    db,
  );
  await db
    .insertInto('interactions')
    .values(
      contacts.map((c) => ({
        id: c.id,
        customer_id: customers[c.who].id,
        channel: c.channel,
        touchpoint: 'any',
        direction: 'inbound',
        reason: c.reason,
        started_at: c.at,
        ended_at:
          c.minutes === undefined ? null : new Date(Date.parse(c.at) + c.minutes * 60_000).toISOString(),
        outcome: c.outcome,
        journey_id: c.journey ?? id(),
        journey_step: c.step ?? 1,
        handoff_from_id: c.from ?? null,
        details: JSON.stringify({ supply: supplies[c.who][c.supply ?? 0] }),
      })),
    )
    .execute();
  await db
    .insertInto('survey_answers')
    .values(
      answers.map((a) => ({
        id: id(),
        interaction_id: a.interaction,
        metric: a.metric,
        score: a.score,
        answered_at: FIXED_NOW,
      })),
    )
    .execute();
  const advisorId = id();
  await db
    .insertInto('advisors')
    .values({
      id: advisorId,
      name: 'Anna Conti',
      email: 'anna.conti@example.it',
      languages: ['it-IT'],
      topics: ['billing'],
      time_zone: 'Europe/Rome',
      working_hours: '[]',
    })
    .execute();
  // Due in the period: Giulia's (completed) and Marco's (no-show). Not: Luca's (control), Sofia's
  // (cancelled), Giulia's second (after the period), Elena's (another pilot).
  const appointments: [Who, string, string][] = [
    ['giulia', '2026-01-22T09:30:00Z', 'completed'],
    ['marco', '2026-01-28T15:00:00Z', 'no_show'],
    ['luca', '2026-01-16T11:00:00Z', 'no_show'],
    ['sofia', '2026-01-19T10:00:00Z', 'cancelled'],
    ['giulia', '2026-02-02T09:30:00Z', 'no_show'],
    ['elena', '2026-01-21T09:00:00Z', 'no_show'],
  ];
  await db
    .insertInto('appointments')
    .values(
      appointments.map(([who, at, status]) => {
        const end = new Date(Date.parse(at) + 1_800_000).toISOString();
        return {
          id: id(),
          customer_id: customers[who].id,
          advisor_id: advisorId,
          topic: 'billing',
          locale: 'it-IT',
          starts_at: at,
          ends_at: end,
          status,
          booked_via: 'web',
          // One advisor: the times must not overlap.
          blocked: `[${at},${end})`,
        };
      }),
    )
    .execute();
});

afterAll(async () => {
  await storage?.close();
});

/** θ pooled across arms, from each drawn customer's (baseline, period) counts. */
function theta(arms: [number, number][][]) {
  let sxy = 0;
  let sxx = 0;
  for (const pairs of arms) {
    const mx = pairs.reduce((s, [x]) => s + x, 0) / pairs.length;
    const my = pairs.reduce((s, [, y]) => s + y, 0) / pairs.length;
    for (const [x, y] of pairs) {
      sxy += (x - mx) * (y - my);
      sxx += (x - mx) ** 2;
    }
  }
  return sxy / sxx;
}

describe(`the pilot report's single read of the log, on the ${databaseKind} database`, () => {
  const runs: { label: string; fetches: number[]; metrics?: PilotMetrics }[] = [
    { label: 'one customer a fetch', fetches: [] },
    { label: 'the default fetches', fetches: [] },
  ];

  beforeAll(async () => {
    const [one, whole] = runs as [(typeof runs)[0], (typeof runs)[0]];
    one.metrics = await createPostgresPilotMetricsSource(storage.db, {
      targetChunkMs: 0.001,
      initialChunk: 1,
      minChunk: 1,
      onChunk: (chunk) => one.fetches.push(chunk.size),
    }).compute(pilot, FIXED_NOW);
    whole.metrics = await createPostgresPilotMetricsSource(storage.db, {
      onChunk: (chunk) => whole.fetches.push(chunk.size),
    }).compute(pilot, FIXED_NOW);
  });

  it('reads every customer of the cohort once, and nobody else', () => {
    expect(runs[0]!.fetches).toEqual([1, 1, 1, 1, 1, 1]);
    expect(runs[1]!.fetches.reduce((s, x) => s + x, 0)).toBe(6);
  });

  for (const run of runs) {
    describe(`with ${run.label}`, () => {
      const m = () => run.metrics!;

      it('counts the cohort and adoption by segment', () => {
        expect(m().period).toEqual({ from: '2026-01-05', to: '2026-01-31' });
        expect(m().cohort).toEqual({ pilot: 4, control: 2, explicit: 1, invited: 2 });
        expect(m().adoption).toMatchObject({ value: 3 / 4, n: 4 });
        expect(
          m().adoptionBySegment.map(({ segment, enrolled, adopters }) => [segment, enrolled, adopters]),
        ).toEqual([
          ['residential', 1, 1],
          ['senior', 1, 1],
          ['small_business', 1, 1],
          ['young', 1, 0],
        ]);
      });

      it('follows up contacts after the period’s end, up to exactly the window', () => {
        // g1 and g2 (followed by the web page on 02-07: switched), m2 (handed off, then the SMS
        // five days later: switched), m4 (handed off, only a turn that asked back after it), s1
        // (nothing within 7 days: contained, resolved first time).
        expect(m().contacts).toBe(5);
        expect(m().taskCompletion).toMatchObject({ value: 3 / 5, n: 5 });
        expect(m().containment).toMatchObject({ value: 1 / 5, n: 5 });
        expect(m().firstContactResolution).toMatchObject({ value: 1 / 5, n: 5 });
        expect(m().switching).toMatchObject({ value: 3 / 5, n: 5 });
        expect(m().switchedTo).toEqual([
          { channel: 'web', contacts: 2 },
          { channel: 'sms', contacts: 1 },
        ]);
      });

      it('finds a handoff’s context and later steps anywhere in the log, and ignores turns that asked back', () => {
        expect(m().handoffs).toMatchObject({ total: 2, withContext: 1, continuedElsewhere: 1 });
      });

      it('times the pilot-channel contacts that ended, and counts the pilot arm’s due appointments', () => {
        // 240 s, 180 s, 300 s, 60 s.
        expect(m().handleTime).toEqual({ averageSeconds: 195, medianSeconds: 210, n: 4 });
        expect(m().noShow).toMatchObject({ value: 1 / 2, n: 2 });
      });

      it('counts each answer once, however many a contact has', () => {
        // NPS: Giulia's 9 and Sofia's 6; CSAT: 4, 2, 5; CES: 2.
        expect(m().nps).toMatchObject({ promoters: 1, passives: 0, detractors: 1, n: 2, value: 0 });
        expect(m().csat).toMatchObject({ n: 3, value: 11 / 3 });
        expect(m().ces).toMatchObject({ n: 1, value: 2 });
      });

      it('compares the drawn customers with control, adjusted by the baseline weeks', () => {
        // (baseline, period) per drawn customer: Giulia, Marco, Paolo; Luca, Chiara.
        const existing: [number, number][][] = [
          [
            [2, 0],
            [0, 1],
            [2, 0],
          ],
          [
            [1, 3],
            [0, 0],
          ],
        ];
        const comparison = m().versusControl.existingContactsPerCustomer;
        expect(comparison.pilot.n).toBe(3);
        expect(comparison.control.n).toBe(2);
        expect(comparison.varianceReduction.unadjusted.value).toBeCloseTo(1 / 3 - 3 / 2, 12);
        // ((-4/3) + 3/2) / (8/3 + 1/2)
        expect(theta(existing)).toBeCloseTo(1 / 19, 12);
        expect(comparison.varianceReduction.theta).toBeCloseTo(1 / 19, 12);
        const calls = m().versusControl.callCentreContactsPerCustomer;
        expect(calls.varianceReduction.unadjusted.value).toBeCloseTo(0 - 2 / 2, 12);
        expect(calls.varianceReduction.theta).toBeCloseTo(
          theta([
            [
              [2, 0],
              [0, 0],
              [0, 0],
            ],
            [
              [1, 2],
              [0, 0],
            ],
          ]),
          12,
        );
        const complaints = m().versusControl.complaintsPerCustomer;
        expect(complaints.varianceReduction.unadjusted.value).toBeCloseTo(0 - 1 / 2, 12);
        expect(complaints.varianceReduction.theta).toBeCloseTo(
          theta([
            [
              [1, 0],
              [0, 0],
              [1, 0],
            ],
            [
              [0, 1],
              [0, 0],
            ],
          ]),
          12,
        );
        // Marco's answer about a turn on the call centre; Luca's two about his contacts.
        expect(m().versusControl.nps).toMatchObject({ answers: { pilot: 1, control: 2 } });
        expect(m().versusControl.nps.pilot.n).toBe(1);
        expect(m().versusControl.nps.control.n).toBe(1);
      });

      it('gives the weeks from the start day', () => {
        expect(
          m().weekly.map((w) => [
            w.week,
            w.contacts,
            w.adoption,
            w.existingPerCustomer.pilot,
            w.existingPerCustomer.control,
          ]),
        ).toEqual([
          ['2026-01-05', 2, 2 / 4, 0, 0],
          ['2026-01-12', 0, 2 / 4, 1 / 3, 2 / 2],
          ['2026-01-19', 1, 2 / 4, 0, 1 / 2],
          ['2026-01-26', 2, 3 / 4, 0, 0],
        ]);
      });
    });
  }
});
