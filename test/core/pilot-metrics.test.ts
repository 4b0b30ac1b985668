import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { createPostgresStores, type StorageHandle } from '../../core/index.ts';
import { sequentialZ, type Estimate, type PilotMetrics } from '../../core/evidence.ts';
import { createPostgresPilotMetricsSource } from '../../core/storage/postgres-pilot-metrics.ts';
import { databaseKind, openTestDatabase } from '../support/database.ts';
import { everyChannel, FIXED_NOW, fixedClock } from '../support/fixtures.ts';
import { seededRandom } from '../support/simulate.ts';

// A cohort of 400 customers with a deterministic, hand-shaped interaction log; every expected
// figure is computed below straight from the rows inserted, with the definitions spelt out.

const DAY = 86_400_000;
const WITHIN_DAYS = 7;
const WINDOW = WITHIN_DAYS * DAY;
/** 2026-02-01 00:00 and 2026-03-11 00:00 in Rome (CET, UTC+1): the period up to FIXED_NOW's day. */
const PERIOD_START = Date.parse('2026-01-31T23:00:00Z');
const PERIOD_END = Date.parse('2026-03-10T23:00:00Z');
/** 12 weeks before the start in Rome: 2025-11-09 00:00 (CET). */
const BASELINE_START = Date.parse('2025-11-08T23:00:00Z');
const PILOT_CHANNEL = 'voice_assistant';
const EXISTING = ['call_centre', 'email', 'sms', 'web', 'shop', 'paper_mail'];
const REASONS = ['bill_explanation', 'payment', 'appointment'];
const SEGMENTS = ['residential', 'senior', 'young', 'family', 'small_business', 'vulnerable'];
const PILOT_ARM = 300;
const EXPLICIT = 20;
const CUSTOMERS = 400;

const uuid = (name: string) => {
  const hex = createHash('md5').update(name).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
};

const random = seededRandom;

interface Contact {
  id: string;
  customerId: string;
  channel: string;
  reason: string;
  startedAt: number;
  endedAt: number | null;
  outcome: string;
  journeyId: string;
  journeyStep: number;
  handoffFromId: string | null;
}
interface Enrolment {
  customerId: string;
  arm: 'pilot' | 'control';
  via: 'explicit' | 'rollout';
  invited: boolean;
  segment: string;
}
interface Answer {
  id: string;
  interactionId: string;
  metric: 'nps' | 'csat' | 'ces';
  score: number;
}
interface Appointment {
  id: string;
  customerId: string;
  startsAt: number;
  status: string;
}

function generate() {
  const rng = random(20260310);
  let counter = 0;
  const nextId = (kind: string) => uuid(`${kind}-${counter++}`);
  const enrolments: Enrolment[] = [];
  const contacts: Contact[] = [];
  const answers: Answer[] = [];
  const appointments: Appointment[] = [];
  const steps = new Map<string, number>();

  const add = (
    customerId: string,
    channel: string,
    reason: string,
    startedAt: number,
    outcome: string,
    extra: { journeyId?: string; handoffFromId?: string; endedAt?: number | null } = {},
  ): Contact => {
    const journeyId = extra.journeyId ?? nextId('journey');
    const step = (steps.get(journeyId) ?? 0) + 1;
    steps.set(journeyId, step);
    const contact: Contact = {
      id: nextId('interaction'),
      customerId,
      channel,
      reason,
      startedAt,
      endedAt: extra.endedAt === undefined ? startedAt + 30_000 + rng.int(900_000) : extra.endedAt,
      outcome,
      journeyId,
      journeyStep: step,
      handoffFromId: extra.handoffFromId ?? null,
    };
    contacts.push(contact);
    return contact;
  };
  const answer = (interactionId: string, metric: Answer['metric']) => {
    const [low, high] = metric === 'nps' ? [0, 10] : metric === 'csat' ? [1, 5] : [1, 7];
    answers.push({ id: nextId('answer'), interactionId, metric, score: low + rng.int(high - low + 1) });
  };
  const inPeriod = () => PERIOD_START + rng.int(PERIOD_END - PERIOD_START);
  const settled = () => rng.pick(['resolved', 'resolved', 'resolved', 'handed_off', 'abandoned', 'failed']);

  for (let i = 0; i < CUSTOMERS; i++) {
    const customerId = uuid(`customer-${i}`);
    const arm = i < PILOT_ARM ? 'pilot' : 'control';
    enrolments.push({
      customerId,
      arm,
      via: i < EXPLICIT ? 'explicit' : 'rollout',
      invited: arm === 'pilot' && i % 3 === 0,
      segment: SEGMENTS[i % SEGMENTS.length]!,
    });

    // The existing channels, before, during and after the period; the control arm calls more.
    const background = rng.int(arm === 'pilot' ? 4 : 6);
    for (let k = 0; k < background; k++) {
      const contact = add(customerId, rng.pick(EXISTING), rng.pick(REASONS), inPeriod(), settled());
      if (rng.chance(0.3)) answer(contact.id, 'nps');
    }
    if (rng.chance(0.3))
      add(customerId, 'call_centre', rng.pick(REASONS), PERIOD_START - 1 - rng.int(9 * DAY), 'resolved');
    if (rng.chance(0.3))
      add(customerId, rng.pick(EXISTING), rng.pick(REASONS), PERIOD_END + rng.int(6 * DAY), 'resolved');

    // The pilot channel, for most of the pilot arm and (against the rules) a few of the control arm.
    const uses = arm === 'pilot' ? rng.chance(0.65) : rng.chance(0.1);
    const voiceContacts = uses ? 1 + rng.int(3) : 0;
    for (let k = 0; k < voiceContacts; k++) {
      const reason = rng.pick(REASONS);
      const startedAt = inPeriod();
      if (rng.chance(0.25)) {
        const turn = add(customerId, PILOT_CHANNEL, reason, startedAt - 40_000, 'continued');
        if (rng.chance(0.5)) answer(turn.id, 'nps');
      }
      const voice = add(customerId, PILOT_CHANNEL, reason, startedAt, settled(), {
        endedAt: rng.chance(0.8) ? startedAt + 1 + rng.int(600_000) : null,
      });
      if (rng.chance(0.4)) answer(voice.id, 'nps');
      if (rng.chance(0.3)) answer(voice.id, 'csat');
      if (rng.chance(0.3)) answer(voice.id, 'ces');
      const journeyId = voice.journeyId;
      if (rng.chance(0.35)) {
        // Same reason, sometimes within the week and sometimes after it, on this or another channel.
        const channel = rng.pick([PILOT_CHANNEL, 'call_centre', 'web', 'email', 'video']);
        add(customerId, channel, reason, startedAt + 1 + rng.int(10 * DAY), settled(), { journeyId });
      }
      if (rng.chance(0.2)) {
        add(
          customerId,
          'call_centre',
          rng.pick(REASONS.filter((r) => r !== reason)),
          startedAt + rng.int(2 * DAY),
          'resolved',
        );
      }
      if (rng.chance(0.2)) {
        // A conversational turn on another channel: not a contact, so neither a follow-up nor a step elsewhere.
        add(customerId, 'call_centre', reason, startedAt + 60_000, 'continued', { journeyId });
      }
      if (voice.outcome === 'handed_off') {
        const roll = rng.next();
        if (roll < 0.4) {
          add(customerId, 'call_centre', reason, startedAt + 1 + rng.int(2 * 3_600_000), 'resolved', {
            journeyId,
            handoffFromId: voice.id,
          });
        } else if (roll < 0.55) {
          // Taken up three weeks later: after the follow-up window, but the context still went along.
          add(customerId, 'video', reason, startedAt + 21 * DAY, 'resolved', {
            journeyId,
            handoffFromId: voice.id,
          });
        } else if (roll < 0.8) {
          add(customerId, 'shop', rng.pick(REASONS), startedAt + rng.int(3 * DAY), 'resolved', { journeyId });
        }
      }
    }

    if (rng.chance(0.3)) {
      for (let k = 1 + rng.int(2); k > 0; k--) {
        appointments.push({
          id: nextId('appointment'),
          customerId,
          startsAt: PERIOD_START - 5 * DAY + rng.int(PERIOD_END - PERIOD_START + 10 * DAY),
          status: rng.pick(['completed', 'completed', 'no_show', 'cancelled']),
        });
      }
    }
  }

  // Before the pilot (a stream of its own, so that the figures above keep their draws): each drawn
  // customer's contacts in the 12 weeks before the start, more for those who contact us more
  // during it, and a few complaints, before and during (raised in video consultations).
  const before = random(1202);
  const existingDuring = new Map<string, number>();
  for (const c of contacts) {
    if (
      EXISTING.includes(c.channel) &&
      c.outcome !== 'continued' &&
      c.startedAt >= PERIOD_START &&
      c.startedAt < PERIOD_END
    )
      existingDuring.set(c.customerId, (existingDuring.get(c.customerId) ?? 0) + 1);
  }
  for (const e of enrolments) {
    const count = (existingDuring.get(e.customerId) ?? 0) + before.int(3);
    for (let k = 0; k < count; k++) {
      add(
        e.customerId,
        before.pick(EXISTING),
        before.pick(REASONS),
        BASELINE_START + before.int(PERIOD_START - BASELINE_START),
        'resolved',
      );
    }
    if (before.chance(0.2))
      add(
        e.customerId,
        before.pick(EXISTING),
        'complaint',
        BASELINE_START + before.int(PERIOD_START - BASELINE_START),
        'resolved',
      );
    if (before.chance(e.arm === 'pilot' ? 0.15 : 0.1))
      add(
        e.customerId,
        'video',
        'complaint',
        PERIOD_START + before.int(PERIOD_END - PERIOD_START),
        'resolved',
      );
  }

  // The edges, on the first customers of the pilot arm.
  const [a, b, c, d] = enrolments.map((e) => e.customerId);
  const last = add(a!, PILOT_CHANNEL, 'payment', PERIOD_END - 1000, 'resolved');
  add(a!, 'web', 'payment', last.startedAt + WINDOW, 'resolved'); // exactly the window: a follow-up
  add(b!, PILOT_CHANNEL, 'payment', PERIOD_END, 'resolved'); // the day after the period
  add(b!, PILOT_CHANNEL, 'payment', PERIOD_START - 1, 'resolved'); // the day before it
  const early = add(c!, PILOT_CHANNEL, 'moving', PERIOD_START + 3 * DAY, 'resolved');
  add(c!, 'email', 'moving', early.startedAt + WINDOW + 1, 'resolved'); // just past the window
  const tied = add(d!, PILOT_CHANNEL, 'moving', PERIOD_START + 5 * DAY, 'resolved');
  add(d!, 'sms', 'moving', tied.startedAt, 'resolved'); // same instant: ordered by id
  return { enrolments, contacts, answers, appointments };
}

type Data = ReturnType<typeof generate>;

/** The figures by their definitions, over every row inserted (no chunks, no windows fetched). */
function expected(data: Data, period: { start: number; end: number }) {
  const armOf = new Map(data.enrolments.map((e) => [e.customerId, e.arm]));
  const settled = data.contacts.filter((c) => c.outcome !== 'continued');
  const inPeriod = (t: number) => t >= period.start && t < period.end;
  const after = (x: Contact, y: Contact) =>
    x.startedAt > y.startedAt || (x.startedAt === y.startedAt && x.id > y.id);
  const pilotContacts = settled.filter(
    (c) => c.channel === PILOT_CHANNEL && armOf.get(c.customerId) === 'pilot' && inPeriod(c.startedAt),
  );
  const adopters = new Set(pilotContacts.map((c) => c.customerId));
  let contained = 0;
  let switched = 0;
  let fcr = 0;
  let completed = 0;
  const switchedTo: Record<string, number> = {};
  for (const contact of pilotContacts) {
    const followUps = settled
      .filter(
        (f) =>
          f.customerId === contact.customerId &&
          f.reason === contact.reason &&
          after(f, contact) &&
          f.startedAt - contact.startedAt <= WINDOW,
      )
      .sort((x, y) => (after(x, y) ? 1 : -1));
    const elsewhere = followUps.find((f) => f.channel !== PILOT_CHANNEL);
    const resolved = contact.outcome === 'resolved';
    if (resolved) completed++;
    if (resolved && !elsewhere) contained++;
    if (resolved && followUps.length === 0) fcr++;
    if (elsewhere) {
      switched++;
      switchedTo[elsewhere.channel] = (switchedTo[elsewhere.channel] ?? 0) + 1;
    }
  }
  const handedOff = pilotContacts.filter((c) => c.outcome === 'handed_off');
  const withContext = handedOff.filter((h) => data.contacts.some((c) => c.handoffFromId === h.id)).length;
  const continuedElsewhere = handedOff.filter((h) =>
    settled.some(
      (c) => c.journeyId === h.journeyId && c.journeyStep > h.journeyStep && c.channel !== h.channel,
    ),
  ).length;
  const handle = pilotContacts
    .filter((c) => c.endedAt !== null)
    .map((c) => (c.endedAt! - c.startedAt) / 1000);
  const sortedHandle = [...handle].sort((x, y) => x - y);
  const middle = Math.floor(sortedHandle.length / 2);

  const due = data.appointments.filter(
    (a) =>
      armOf.get(a.customerId) === 'pilot' &&
      inPeriod(a.startsAt) &&
      ['completed', 'no_show'].includes(a.status),
  );
  const contactOf = new Map(data.contacts.map((c) => [c.id, c]));
  const drawn = new Set(data.enrolments.filter((e) => e.via === 'rollout').map((e) => e.customerId));
  const answersOf = (arm: string, pilotChannelOnly: boolean, metric: string, drawnOnly = false) =>
    data.answers
      .filter((a) => {
        const about = contactOf.get(a.interactionId)!;
        return (
          a.metric === metric &&
          armOf.get(about.customerId) === arm &&
          (!drawnOnly || drawn.has(about.customerId)) &&
          inPeriod(about.startedAt) &&
          (!pilotChannelOnly || about.channel === PILOT_CHANNEL)
        );
      })
      .map((a) => a.score);
  // The comparison with control is between drawn customers: those named by hand were not randomised.
  // Each as [before the start (the 12 weeks), during the period].
  const perCustomer = (arm: string, counts: (c: Contact) => boolean): [number, number][] =>
    data.enrolments
      .filter((e) => e.arm === arm && e.via === 'rollout')
      .map((e) => {
        const own = settled.filter((c) => c.customerId === e.customerId && counts(c));
        return [
          own.filter((c) => c.startedAt >= BASELINE_START && c.startedAt < period.start).length,
          own.filter((c) => inPeriod(c.startedAt)).length,
        ];
      });
  const existing = (c: Contact) => EXISTING.includes(c.channel);
  const calls = (c: Contact) => c.channel === 'call_centre';
  const complaints = (c: Contact) => c.reason === 'complaint';
  // NPS against control: answers about existing-channel contacts of drawn customers, per customer.
  const npsPerCustomer = (arm: string) =>
    data.enrolments
      .filter((e) => e.arm === arm && e.via === 'rollout')
      .map((e) =>
        data.answers
          .filter((a) => {
            const about = contactOf.get(a.interactionId)!;
            return (
              a.metric === 'nps' &&
              about.customerId === e.customerId &&
              EXISTING.includes(about.channel) &&
              inPeriod(about.startedAt)
            );
          })
          .map((a) => a.score),
      )
      .filter((scores) => scores.length > 0);
  const pilotArm = data.enrolments.filter((e) => e.arm === 'pilot');

  return {
    cohort: {
      pilot: pilotArm.length,
      control: data.enrolments.length - pilotArm.length,
      explicit: pilotArm.filter((e) => e.via === 'explicit').length,
      invited: data.enrolments.filter((e) => e.invited).length,
    },
    adopters: adopters.size,
    bySegment: SEGMENTS.map((segment) => {
      const enrolled = pilotArm.filter((e) => e.segment === segment);
      return {
        segment,
        enrolled: enrolled.length,
        adopters: enrolled.filter((e) => adopters.has(e.customerId)).length,
      };
    }).sort((x, y) => (x.segment < y.segment ? -1 : 1)),
    contacts: pilotContacts.length,
    contained,
    switched,
    switchedTo,
    fcr,
    completed,
    handoffs: { total: handedOff.length, withContext, continuedElsewhere },
    handle: {
      n: handle.length,
      average: handle.reduce((s, x) => s + x, 0) / handle.length,
      median:
        sortedHandle.length % 2 === 1
          ? sortedHandle[middle]!
          : (sortedHandle[middle - 1]! + sortedHandle[middle]!) / 2,
    },
    noShow: { due: due.length, noShow: due.filter((a) => a.status === 'no_show').length },
    nps: answersOf('pilot', true, 'nps'),
    csat: answersOf('pilot', true, 'csat'),
    ces: answersOf('pilot', true, 'ces'),
    npsByArm: { pilot: npsPerCustomer('pilot'), control: npsPerCustomer('control') },
    // Every NPS answer of the drawn customers, on any channel: what the comparison used to count.
    npsAnyChannel: {
      pilot: answersOf('pilot', false, 'nps', true),
      control: answersOf('control', false, 'nps', true),
    },
    existing: { pilot: perCustomer('pilot', existing), control: perCustomer('control', existing) },
    calls: { pilot: perCustomer('pilot', calls), control: perCustomer('control', calls) },
    complaints: { pilot: perCustomer('pilot', complaints), control: perCustomer('control', complaints) },
  };
}

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const during = (pairs: [number, number][]) => pairs.map(([, y]) => y);

/**
 * CUPED by its definition: θ the common within-arm slope of "during" on "before", each arm's mean
 * adjusted by θ times how far its "before" mean is from both arms'.
 */
function cuped(arms: { pilot: [number, number][]; control: [number, number][] }) {
  const centred = (pairs: [number, number][]) => {
    const mx = mean(pairs.map(([x]) => x));
    const my = mean(pairs.map(([, y]) => y));
    return {
      mx,
      my,
      sxy: pairs.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0),
      sxx: pairs.reduce((s, [x]) => s + (x - mx) ** 2, 0),
    };
  };
  const p = centred(arms.pilot);
  const c = centred(arms.control);
  const theta = (p.sxy + c.sxy) / (p.sxx + c.sxx);
  const all = [...arms.pilot, ...arms.control];
  const grand = mean(all.map(([x]) => x));
  const adjusted = (pairs: [number, number][]) => pairs.map(([x, y]) => y - theta * (x - grand));
  return { theta, pilot: adjusted(arms.pilot), control: adjusted(arms.control) };
}
const sampleVariance = (xs: number[]) => xs.reduce((s, x) => s + (x - mean(xs)) ** 2, 0) / (xs.length - 1);
const Z = 1.959963984540054;
function wilson(k: number, n: number, z = Z) {
  const p = k / n;
  const centre = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
  const half = (z / (1 + (z * z) / n)) * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  return { low: centre - half, high: centre + half };
}
/** NPS and its adjusted-Wald centre and variance (¾ answer added to promoters and detractors, 3 to n). */
function npsOf(scores: number[]) {
  const promoters = scores.filter((s) => s >= 9).length;
  const detractors = scores.filter((s) => s <= 6).length;
  const n = scores.length + 3;
  const p = (promoters + 0.75) / n;
  const d = (detractors + 0.75) / n;
  return {
    value: (100 * (promoters - detractors)) / scores.length,
    centre: 100 * (p - d),
    variance: (p + d - (p - d) ** 2) / n,
  };
}

function expectNear(actual: number | null | undefined, expectedValue: number, tolerance = 1e-9) {
  expect(actual).toBeTypeOf('number');
  expect(Math.abs((actual as number) - expectedValue), `${actual} vs ${expectedValue}`).toBeLessThanOrEqual(
    tolerance,
  );
}
function expectRate(actual: Estimate, k: number, n: number) {
  expect(actual.n).toBe(n);
  expectNear(actual.value, k / n);
  const fixed = wilson(k, n);
  expectNear(actual.fixed?.low, Math.max(0, fixed.low));
  expectNear(actual.fixed?.high, Math.min(1, fixed.high));
  const always = wilson(k, n, sequentialZ(n));
  expectNear(actual.low, Math.max(0, always.low));
  expectNear(actual.high, Math.min(1, always.high));
}

let storage: StorageHandle;
const data = generate();
const pilot = {
  id: uuid('pilot-main'),
  channel: PILOT_CHANNEL,
  startsOn: '2026-02-01',
  endsOn: '2026-03-31',
  withinDays: WITHIN_DAYS,
  // 280 drawn into the pilot arm and 100 into control: exactly 56 : 20.
  rolloutPercent: 56,
  controlPercent: 20,
};

async function insertPilot(id: string, code: string, enrolments: Enrolment[]) {
  await storage.db
    .insertInto('pilots')
    .values({
      id,
      code,
      name: code,
      channel: PILOT_CHANNEL,
      touchpoints: ['alexa_skill'],
      reasons: REASONS,
      objectives: '[]',
      starts_on: '2026-02-01',
      ends_on: '2026-03-31',
      status: 'draft',
      segments: [],
      rollout_percent: 50,
      control_percent: 50,
      open_to_everyone: false,
      closing_survey: false,
      within_days: WITHIN_DAYS,
      advisor_share: 1,
      created_at: '2026-01-15T10:00:00Z',
      updated_at: '2026-01-15T10:00:00Z',
    })
    .execute();
  for (let i = 0; i < enrolments.length; i += 500) {
    await storage.db
      .insertInto('pilot_enrolments')
      .values(
        enrolments.slice(i, i + 500).map((e) => ({
          pilot_id: id,
          customer_id: e.customerId,
          arm: e.arm,
          via: e.via,
          enrolled_at: '2026-01-20T10:00:00Z',
          invited_at: e.invited ? '2026-01-21T10:00:00Z' : null,
        })),
      )
      .execute();
  }
}

beforeAll(async () => {
  storage = await openTestDatabase();
  const stores = createPostgresStores(storage.db, { clock: fixedClock });
  for (const channel of everyChannel) await stores.channels.register(channel);
  const db = storage.db;
  await db
    .insertInto('customers')
    .values(
      data.enrolments.map((e, i) => ({
        id: e.customerId,
        first_name: 'Cliente',
        last_name: `N${i}`,
        locale: 'it-IT',
        segment: e.segment,
      })),
    )
    .execute();
  await insertPilot(pilot.id, 'voice-main', data.enrolments);
  // Written as rows, straight into the log: its months must be there first.
  await sql`select ensure_interaction_month(at) from unnest(${data.contacts.map((c) => new Date(c.startedAt))}::timestamptz[]) as at`.execute(
    db,
  );
  for (let i = 0; i < data.contacts.length; i += 1000) {
    await db
      .insertInto('interactions')
      .values(
        data.contacts.slice(i, i + 1000).map((c) => ({
          id: c.id,
          customer_id: c.customerId,
          channel: c.channel,
          touchpoint: 'any',
          direction: 'inbound',
          reason: c.reason,
          started_at: new Date(c.startedAt),
          ended_at: c.endedAt === null ? null : new Date(c.endedAt),
          outcome: c.outcome,
          journey_id: c.journeyId,
          journey_step: c.journeyStep,
          handoff_from_id: c.handoffFromId,
          details: '{}',
        })),
      )
      .execute();
  }
  await db
    .insertInto('survey_answers')
    .values(
      data.answers.map((a) => ({
        id: a.id,
        interaction_id: a.interactionId,
        metric: a.metric,
        score: a.score,
        answered_at: FIXED_NOW,
      })),
    )
    .execute();
  const advisorId = uuid('advisor');
  await db
    .insertInto('advisors')
    .values({
      id: advisorId,
      name: 'Anna',
      email: 'anna@example.it',
      languages: ['it-IT'],
      topics: ['billing'],
      time_zone: 'Europe/Rome',
      working_hours: '[]',
    })
    .execute();
  await db
    .insertInto('appointments')
    .values(
      data.appointments.map((a) => ({
        id: a.id,
        customer_id: a.customerId,
        advisor_id: advisorId,
        topic: 'billing',
        locale: 'it-IT',
        starts_at: new Date(a.startsAt),
        ends_at: new Date(a.startsAt + 1_800_000),
        status: a.status,
        booked_via: 'web',
        blocked: `[${new Date(a.startsAt).toISOString()},${new Date(a.startsAt + 1_800_000).toISOString()})`,
      })),
    )
    .execute();
});

afterAll(async () => {
  await storage?.close();
});

describe(`pilot metrics on the ${databaseKind} database`, () => {
  let metrics: PilotMetrics;
  const chunks: number[] = [];
  const want = expected(data, { start: PERIOD_START, end: PERIOD_END });

  beforeAll(async () => {
    const source = createPostgresPilotMetricsSource(storage.db, {
      targetChunkMs: 0.001,
      initialChunk: 64,
      minChunk: 3,
      onChunk: (chunk) => chunks.push(chunk.size),
    });
    metrics = await source.compute(pilot, FIXED_NOW);
  });

  it('walks the cohort in many small chunks', () => {
    expect(chunks.length).toBeGreaterThan(50);
    expect(chunks.reduce((s, n) => s + n, 0)).toBe(CUSTOMERS);
  });

  it('measures the period from the start to today in Rome, and counts the cohort', () => {
    expect(metrics.period).toEqual({ from: '2026-02-01', to: '2026-03-10' });
    expect(metrics.withinDays).toBe(WITHIN_DAYS);
    expect(metrics.cohort).toEqual(want.cohort);
    expect(metrics.cohort).toMatchObject({ pilot: 300, control: 100, explicit: 20 });
  });

  it('measures adoption over the pilot arm, and by segment', () => {
    expectRate(metrics.adoption, want.adopters, want.cohort.pilot);
    expect(
      metrics.adoptionBySegment.map(({ segment, enrolled, adopters }) => ({ segment, enrolled, adopters })),
    ).toEqual(want.bySegment);
    for (const segment of metrics.adoptionBySegment)
      expectRate(segment.rate, segment.adopters, segment.enrolled);
  });

  it('measures containment, switching, first-contact resolution and task completion per contact', () => {
    expect(metrics.contacts).toBe(want.contacts);
    expectRate(metrics.containment, want.contained, want.contacts);
    expectRate(metrics.switching, want.switched, want.contacts);
    expectRate(metrics.firstContactResolution, want.fcr, want.contacts);
    expectRate(metrics.taskCompletion, want.completed, want.contacts);
    expect(Object.fromEntries(metrics.switchedTo.map((s) => [s.channel, s.contacts]))).toEqual(
      want.switchedTo,
    );
    const counts = metrics.switchedTo.map((s) => s.contacts);
    expect(counts).toEqual([...counts].sort((x, y) => y - x));
    // The dataset exercises what it should.
    expect(want.contained).toBeLessThan(want.completed);
    expect(want.fcr).toBeLessThan(want.contained);
    expect(Object.keys(want.switchedTo).length).toBeGreaterThanOrEqual(3);
  });

  it('counts handoffs, those that took the context along and those that went on elsewhere', () => {
    expect(metrics.handoffs).toMatchObject(want.handoffs);
    expectRate(metrics.handoffs.contextRate, want.handoffs.withContext, want.handoffs.total);
    expect(want.handoffs.withContext).toBeGreaterThan(0);
    expect(want.handoffs.withContext).toBeLessThan(want.handoffs.total);
    expect(want.handoffs.continuedElsewhere).toBeGreaterThan(want.handoffs.withContext);
  });

  it('gives the average and median handle time of the contacts with an end', () => {
    expect(metrics.handleTime.n).toBe(want.handle.n);
    expect(want.handle.n).toBeLessThan(want.contacts);
    expectNear(metrics.handleTime.averageSeconds, want.handle.average);
    expectNear(metrics.handleTime.medianSeconds, want.handle.median);
  });

  it('gives the no-show share of the pilot arm’s due appointments', () => {
    expectRate(metrics.noShow!, want.noShow.noShow, want.noShow.due);
  });

  it('gives NPS, CSAT and CES from the answers about pilot-channel contacts', () => {
    const nps = npsOf(want.nps);
    expect(metrics.nps).toMatchObject({
      n: want.nps.length,
      promoters: want.nps.filter((s) => s >= 9).length,
      passives: want.nps.filter((s) => s === 7 || s === 8).length,
      detractors: want.nps.filter((s) => s <= 6).length,
    });
    expectNear(metrics.nps.value, nps.value);
    expectNear(metrics.nps.fixed?.low, nps.centre - Z * 100 * Math.sqrt(nps.variance));
    expectNear(metrics.nps.fixed?.high, nps.centre + Z * 100 * Math.sqrt(nps.variance));
    expect(metrics.csat.n).toBe(want.csat.length);
    expectNear(metrics.csat.value, mean(want.csat));
    expect(metrics.ces.n).toBe(want.ces.length);
    expectNear(metrics.ces.value, mean(want.ces));
  });

  it('compares contacts per customer with the control arm, adjusted by the 12 weeks before the start', () => {
    const existing = metrics.versusControl.existingContactsPerCustomer;
    expect(existing.pilot.n).toBe(280);
    expect(existing.control.n).toBe(100);
    const adjusted = cuped(want.existing);
    expectNear(existing.varianceReduction.theta, adjusted.theta);
    expect(adjusted.theta).toBeGreaterThan(0.3);
    expectNear(existing.pilot.value, mean(adjusted.pilot));
    expectNear(existing.control.value, mean(adjusted.control));
    expectNear(existing.difference.value, mean(adjusted.pilot) - mean(adjusted.control));
    // Beside it, the plain difference of the raw counts, and how much the adjustment narrowed it.
    const raw = { pilot: during(want.existing.pilot), control: during(want.existing.control) };
    expectNear(existing.varianceReduction.unadjusted.value, mean(raw.pilot) - mean(raw.control));
    const se2 = (a: number[], b: number[]) => sampleVariance(a) / a.length + sampleVariance(b) / b.length;
    expectNear(
      existing.varianceReduction.varianceCut,
      1 - se2(adjusted.pilot, adjusted.control) / se2(raw.pilot, raw.control),
    );
    expect(existing.varianceReduction.varianceCut).toBeGreaterThan(0.2);
    expect(existing.varianceReduction.preWeeks).toBe(12);
    // Relative to control, with Fieller's interval: its ends are the ratios r where the test of
    // mp − r·mc = 0 is on the edge, |mp − r·mc| = q·√(Var mp + r²·Var mc), with the same t
    // quantile q (≈ 1.97) at both ends.
    const [mp, mc] = [mean(adjusted.pilot), mean(adjusted.control)];
    expectNear(existing.relative?.value, mp / mc - 1);
    const [vp, vc] = [sampleVariance(adjusted.pilot) / 280, sampleVariance(adjusted.control) / 100];
    const edge = (relative: number) => {
      const r = relative + 1;
      return Math.abs(mp - r * mc) / Math.sqrt(vp + r * r * vc);
    };
    expectNear(edge(existing.relative!.fixed!.low), 1.97, 0.01);
    expectNear(edge(existing.relative!.fixed!.high), 1.97, 0.01);
    const calls = metrics.versusControl.callCentreContactsPerCustomer;
    const adjustedCalls = cuped(want.calls);
    expectNear(calls.difference.value, mean(adjustedCalls.pilot) - mean(adjustedCalls.control));
    const complaints = metrics.versusControl.complaintsPerCustomer;
    const adjustedComplaints = cuped(want.complaints);
    expectNear(
      complaints.difference.value,
      mean(adjustedComplaints.pilot) - mean(adjustedComplaints.control),
    );
    expect(during(want.complaints.pilot).some((n) => n > 0)).toBe(true);
  });

  it('compares NPS per customer, on the answers about the existing channels both arms could give', () => {
    const comparison = metrics.versusControl.nps;
    const clusters = want.npsByArm;
    const points = (score: number) => (score >= 9 ? 1 : score >= 7 ? 0 : -1);
    // Each answering customer counts once, with their own NPS.
    const npsOf = (customers: number[][]) =>
      mean(customers.map((scores) => (100 * scores.reduce((s, x) => s + points(x), 0)) / scores.length));
    expect(comparison.pilot.n).toBe(clusters.pilot.length);
    expect(comparison.control.n).toBe(clusters.control.length);
    expect(comparison.answers).toEqual({
      pilot: clusters.pilot.flat().length,
      control: clusters.control.flat().length,
    });
    expectNear(comparison.difference.value, npsOf(clusters.pilot) - npsOf(clusters.control));
    // The pilot channel's own answers (the voice assistant's surveys) are not in it.
    expect(want.npsAnyChannel.pilot.length).toBeGreaterThan(clusters.pilot.flat().length);
    expect(metrics.versusControl.npsChannels).toEqual([...EXISTING].sort());
  });

  it('gives the minimum detectable effect from each arm’s own (adjusted) variance', () => {
    const adjusted = cuped(want.existing);
    // (z_0.975 + z_0.8)·√(σ²_pilot/280 + σ²_control/100), the quantiles from SciPy's norm.ppf.
    const absolute =
      (1.959963984540054 + 0.8416212335729143) *
      Math.sqrt(sampleVariance(adjusted.pilot) / 280 + sampleVariance(adjusted.control) / 100);
    expectNear(metrics.versusControl.minimumDetectableEffect.absolute, absolute);
    expectNear(metrics.versusControl.minimumDetectableEffect.relative, absolute / mean(adjusted.control));
  });

  it('gives the key figures week by week, adding up to the totals', () => {
    const weeks = metrics.weekly;
    // 2026-02-01 to 2026-03-10: five full weeks and three days.
    expect(weeks.map((w) => w.week)).toEqual([
      '2026-02-01',
      '2026-02-08',
      '2026-02-15',
      '2026-02-22',
      '2026-03-01',
      '2026-03-08',
    ]);
    expect(weeks.reduce((s, w) => s + w.contacts, 0)).toBe(want.contacts);
    expectNear(weeks.at(-1)!.adoption, want.adopters / want.cohort.pilot);
    const adoption = weeks.map((w) => w.adoption!);
    expect(adoption).toEqual([...adoption].sort((x, y) => x - y));
    const perWeek = weeks.reduce((s, w) => s + w.existingPerCustomer.control!, 0);
    expectNear(perWeek, mean(during(want.existing.control)));
  });

  it('finds no sample-ratio mismatch when the draw matches the percentages', () => {
    expect(metrics.sampleRatio).toMatchObject({ pilot: 280, control: 100, mismatch: false });
    expectNear(metrics.sampleRatio!.expectedPilotShare, 56 / 76);
    expectNear(metrics.sampleRatio!.chiSquare, 0);
    // And within each segment: the drawn customers of each, by arm.
    const drawn = data.enrolments.filter((e) => e.via === 'rollout');
    expect(
      metrics.sampleRatio!.bySegment.map(({ segment, pilot, control }) => ({ segment, pilot, control })),
    ).toEqual(
      [...SEGMENTS].sort().map((segment) => ({
        segment,
        pilot: drawn.filter((e) => e.segment === segment && e.arm === 'pilot').length,
        control: drawn.filter((e) => e.segment === segment && e.arm === 'control').length,
      })),
    );
  });

  it('gives the same figures in one chunk as in many', async () => {
    const whole = await createPostgresPilotMetricsSource(storage.db, { initialChunk: 1000 }).compute(
      pilot,
      FIXED_NOW,
    );
    expect(whole).toEqual(metrics);
  });

  it('ends the period at the pilot’s end, not today, once it is over', async () => {
    const ended = { ...pilot, endsOn: '2026-02-20' };
    const result = await createPostgresPilotMetricsSource(storage.db).compute(ended, FIXED_NOW);
    const early = expected(data, { start: PERIOD_START, end: Date.parse('2026-02-20T23:00:00Z') });
    expect(result.period).toEqual({ from: '2026-02-01', to: '2026-02-20' });
    expect(result.contacts).toBe(early.contacts);
    expect(early.contacts).toBeLessThan(want.contacts);
    expectRate(result.containment, early.contained, early.contacts);
    expectRate(result.switching, early.switched, early.contacts);
    expect(result.handoffs).toMatchObject(early.handoffs);
    expectNear(
      result.versusControl.existingContactsPerCustomer.varianceReduction.unadjusted.value,
      mean(during(early.existing.pilot)) - mean(during(early.existing.control)),
    );
  });

  it('measures nothing yet before the pilot starts, but counts its cohort', async () => {
    const result = await createPostgresPilotMetricsSource(storage.db).compute(
      pilot,
      new Date('2026-01-15T12:00:00Z'),
    );
    // No period at all, rather than one that ends before it begins.
    expect(result.period).toBeNull();
    expect(result.contacts).toBe(0);
    expect(result.adoption).toMatchObject({ value: 0, n: 300 });
    expect(result.containment.value).toBeNull();
    expect(result.noShow).toBeNull();
    expect(result.nps.value).toBeNull();
    expect(result.versusControl.existingContactsPerCustomer.pValue).toBeNull();
    expect(result.cohort).toEqual(want.cohort);
  });
});

describe('the sample-ratio check', () => {
  const customers = data.enrolments.map((e) => e.customerId);
  const split = (pilotArm: number): Enrolment[] =>
    customers.map((customerId, i) => ({
      customerId,
      arm: i < pilotArm ? 'pilot' : 'control',
      via: 'rollout',
      invited: false,
      segment: 'residential',
    }));
  const pilotWith = (id: string) => ({ ...pilot, id, rolloutPercent: 30, controlPercent: 30 });

  it('flags a 300 : 100 draw meant to be 50 : 50', async () => {
    const id = uuid('pilot-skewed');
    await insertPilot(id, 'voice-skewed', split(300));
    const result = await createPostgresPilotMetricsSource(storage.db).compute(pilotWith(id), FIXED_NOW);
    // python3 -c 'from scipy import stats; print(stats.chisquare([300,100],[200,200]))'
    expect(result.sampleRatio).toMatchObject({
      expectedPilotShare: 0.5,
      pilot: 300,
      control: 100,
      mismatch: true,
    });
    expectNear(result.sampleRatio!.chiSquare, 100);
    expectNear(result.sampleRatio!.pValue, 1.5239706048320995e-23, 1e-35);
  });

  it('accepts a 210 : 190 draw meant to be 50 : 50', async () => {
    const id = uuid('pilot-even');
    await insertPilot(id, 'voice-even', split(210));
    const result = await createPostgresPilotMetricsSource(storage.db).compute(pilotWith(id), FIXED_NOW);
    // python3 -c 'from scipy import stats; print(stats.chisquare([210,190],[200,200]))'
    expect(result.sampleRatio).toMatchObject({ pilot: 210, control: 190, mismatch: false });
    expectNear(result.sampleRatio!.chiSquare, 1);
    expectNear(result.sampleRatio!.pValue, 0.31731050786291415, 1e-12);
  });

  it('skips the check when the pilot keeps no control group', async () => {
    const result = await createPostgresPilotMetricsSource(storage.db).compute(
      { ...pilot, controlPercent: 0 },
      FIXED_NOW,
    );
    expect(result.sampleRatio).toBeNull();
  });
});
