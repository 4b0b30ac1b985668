import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import request from 'supertest';
import type { z } from 'zod';
import { pino } from 'pino';
import { composeApp } from '../../app/compose.ts';
import type { Customer, Interaction, StorageHandle } from '../../core/index.ts';
import type { Advisor, Appointment, ConsultationEvent, ConsultationRole } from '../../core/services.ts';
import { openTestDatabase } from '../support/database.ts';
import { gasCustomer, officeHoursAdvisor, staffPassword, staffUsers } from '../support/fixtures.ts';

// Monday 23 March 2026, 09:00 in Rome; tests that need another moment set it and beforeEach puts it back.
const MONDAY = new Date('2026-03-23T08:00:00Z');
let now = MONDAY;
const clock = { now: () => now };
const JOIN_GRACE_MS = 30 * 60_000;

let storage: StorageHandle;
let composed: Awaited<ReturnType<typeof composeApp>>;
let advisorCookie: string[];
let otherAdvisorCookie: string[];
let untiedAdvisorCookie: string[];
let adminCookie: string[];
let managerCookie: string[];
let elena: Advisor;
let piero: Advisor;
let advisorUserId: string;
let adminUserId: string;

const login = async (username: string) => {
  const res = await request(composed.app)
    .post('/api/auth/login')
    .send({ username, password: staffPassword })
    .expect(200);
  return [String(res.headers['set-cookie']).split(';')[0] as string];
};

beforeAll(async () => {
  storage = await openTestDatabase();
  composed = await composeApp({
    storage,
    config: { PUBLIC_URL: 'http://localhost:3000', SESSION_TTL_HOURS: 1000, COOKIE_SECURE: false },
    logger: pino({ level: 'silent' }),
    clock,
    video: null,
  });
  const { stores } = composed;
  const users = await staffUsers(stores);
  advisorUserId = users.advisor.id;
  adminUserId = users.admin.id;
  const add = (username: string) =>
    stores.staff.addUser({ username, displayName: username, role: 'advisor', password: staffPassword });
  const other = await add('other-advisor');
  await add('untied-advisor');
  advisorCookie = await login(users.advisor.username);
  otherAdvisorCookie = await login('other-advisor');
  untiedAdvisorCookie = await login('untied-advisor');
  adminCookie = await login(users.admin.username);
  managerCookie = await login(users.manager.username);
  elena = await officeHoursAdvisor(stores, {
    name: 'Elena Galli',
    languages: ['it-IT'],
    staffUserId: users.advisor.id,
  });
  piero = await officeHoursAdvisor(stores, {
    name: 'Piero Conti',
    languages: ['it-IT'],
    staffUserId: other.id,
  });
});

afterAll(async () => {
  await storage?.close();
});

beforeEach(() => {
  now = MONDAY;
});

function conforms(route: string, body: unknown) {
  const result = (composed.responses.get(route) as z.ZodType).safeParse(body);
  expect(result.success ? [] : result.error.issues).toEqual([]);
}

let made = 0;
const customerNamed = (firstName: string, lastName: string) =>
  composed.stores.customers.create({ firstName, lastName, locale: 'it-IT', segment: 'family' });

/** An appointment written straight to the roster (no booking rules), 30 minutes long. */
const appointmentAt = (advisor: Advisor, customer: Customer, startsAt: string) =>
  composed.stores.advisors.addAppointment({
    customerId: customer.id,
    advisorId: advisor.id,
    topic: 'billing',
    locale: 'it-IT',
    startsAt,
    endsAt: new Date(new Date(startsAt).getTime() + 30 * 60_000),
    bookedVia: 'call_centre',
  });

/** A consultation with Elena and the customer's join link, as the booking would issue it. */
async function consultation(startsAt: string, customer?: Customer) {
  const who = customer ?? (await customerNamed('Giulia', `Rossi ${++made}`));
  const appointment = await appointmentAt(elena, who, startsAt);
  const joinToken = composed.links.sign({
    action: 'join',
    subject: appointment.id,
    expiresAt: new Date(appointment.endsAt.getTime() + JOIN_GRACE_MS),
  });
  let counter = 0;
  const minutes = (m: number) => new Date(appointment.startsAt.getTime() + m * 60_000);
  const participant = (role: ConsultationRole) => ({
    sessionId: `PA_${role}_${appointment.id}`,
    role,
    identity: `${role}:${role === 'advisor' ? elena.id : who.id}`,
  });
  const event = (kind: ConsultationEvent['kind'], m: number, extra: object = {}) =>
    composed.lifecycle.handle({
      kind,
      id: `EV_${appointment.id}_${counter++}`,
      appointmentId: appointment.id,
      at: minutes(m),
      ...extra,
    } as ConsultationEvent);
  return {
    appointment,
    customer: who,
    joinToken,
    minutes,
    joins: (role: ConsultationRole, m: number) =>
      event('participant_joined', m, { participant: participant(role) }),
    leaves: (role: ConsultationRole, m: number) =>
      event('participant_left', m, { participant: participant(role), replaced: false }),
    roomFinishes: (m: number) => event('room_finished', m),
    /** Both sides come; the advisor leaves after 24 minutes, which ends the call. */
    async callTakesPlace() {
      await this.joins('customer', 1);
      await this.joins('advisor', 2);
      await this.leaves('advisor', 26);
    },
    entry: () => composed.stores.interactions.fromSource('video', `consultation:${appointment.id}`),
  };
}

describe('the advisor console’s list of consultations', () => {
  // Start of Monday 23 March in Rome, and 14 days later: 6 April 00:00, after the change to summer time.
  const TODAY_STARTS = new Date('2026-03-22T23:00:00Z');
  const FORTNIGHT_ENDS = new Date('2026-04-05T22:00:00Z');
  const inserted: { appointment: Appointment; customer: Customer; advisor: Advisor }[] = [];
  const expected = (rows: typeof inserted) =>
    [...rows]
      .sort(
        (a, b) =>
          a.appointment.startsAt.getTime() - b.appointment.startsAt.getTime() ||
          a.appointment.id.localeCompare(b.appointment.id),
      )
      .map(({ appointment, customer, advisor }) => ({
        ...appointment,
        startsAt: appointment.startsAt.toISOString(),
        endsAt: appointment.endsAt.toISOString(),
        createdAt: appointment.createdAt.toISOString(),
        customerName: `${customer.firstName} ${customer.lastName}`,
        advisorName: advisor.name,
      }));
  const within = (from: Date, to: Date, advisor?: Advisor) =>
    inserted.filter(
      (r) =>
        r.appointment.startsAt >= from &&
        r.appointment.startsAt < to &&
        (!advisor || r.appointment.advisorId === advisor.id),
    );

  beforeAll(async () => {
    const plan: [Advisor, string, string, string][] = [
      [elena, '2026-03-22T22:30:00Z', 'Sara', 'Late'], // Sunday 23:30 in Rome: yesterday
      [elena, '2026-03-22T23:30:00Z', 'Ugo', 'Early'], // Monday 00:30 in Rome: today
      [elena, '2026-03-24T09:00:00Z', 'Anna', 'Neri'],
      [piero, '2026-03-24T09:00:00Z', 'Bruno', 'Verdi'],
      [elena, '2026-03-25T10:00:00Z', 'Carla', 'Bassi'],
      [piero, '2026-03-30T08:00:00Z', 'Dario', 'Fo'],
      [elena, '2026-04-05T21:30:00Z', 'Ezio', 'Last'], // 5 April 23:30 in Rome (summer time)
      [elena, '2026-04-05T22:30:00Z', 'Franca', 'After'], // 6 April 00:30 in Rome: past the fortnight
    ];
    for (const [advisor, startsAt, first, last] of plan) {
      const customer = await customerNamed(first, last);
      inserted.push({ appointment: await appointmentAt(advisor, customer, startsAt), customer, advisor });
    }
    // A cancelled consultation stays on the calendar, marked as such.
    const carla = inserted[4] as (typeof inserted)[number];
    carla.appointment = await composed.stores.appointments.cancel(
      carla.appointment.id,
      'customer called instead',
    );
  });

  it('shows an advisor their own consultations from the start of today (Rome) for 14 days, by start time, with names', async () => {
    const res = await request(composed.app).get('/api/appointments').set('Cookie', advisorCookie).expect(200);
    const own = expected(within(TODAY_STARTS, FORTNIGHT_ENDS, elena));
    expect(own.map((a) => a.customerName)).toEqual(['Ugo Early', 'Anna Neri', 'Carla Bassi', 'Ezio Last']);
    expect(res.body).toEqual(own);
    expect(res.body[2].status).toBe('cancelled');
    conforms('GET /api/appointments', res.body);
    const asked = await request(composed.app)
      .get('/api/appointments')
      .query({ advisorId: elena.id })
      .set('Cookie', advisorCookie)
      .expect(200);
    expect(asked.body).toEqual(own);
  });

  it('lets an admin see everyone’s consultations, or one advisor’s, in any range', async () => {
    const everyone = await request(composed.app)
      .get('/api/appointments')
      .set('Cookie', adminCookie)
      .expect(200);
    expect(everyone.body).toEqual(expected(within(TODAY_STARTS, FORTNIGHT_ENDS)));
    const from = '2026-03-24T00:00:00Z';
    const to = '2026-03-31T00:00:00+02:00';
    const week = await request(composed.app)
      .get('/api/appointments')
      .query({ from, to })
      .set('Cookie', adminCookie)
      .expect(200);
    expect(week.body.map((a: { customerName: string }) => a.customerName).sort()).toEqual(
      ['Anna Neri', 'Bruno Verdi', 'Carla Bassi', 'Dario Fo'].sort(),
    );
    expect(week.body).toEqual(expected(within(new Date(from), new Date(to))));
    const pieros = await request(composed.app)
      .get('/api/appointments')
      .query({ from, to, advisorId: piero.id })
      .set('Cookie', adminCookie)
      .expect(200);
    expect(pieros.body).toEqual(expected(within(new Date(from), new Date(to), piero)));
  });

  it('refuses an advisor another advisor’s list, a login tied to no advisor, and a pilot manager', async () => {
    const other = await request(composed.app)
      .get('/api/appointments')
      .query({ advisorId: piero.id })
      .set('Cookie', advisorCookie)
      .expect(403);
    expect(other.body.detail).toMatch(/are for that advisor/);
    const untied = await request(composed.app)
      .get('/api/appointments')
      .set('Cookie', untiedAdvisorCookie)
      .expect(403);
    expect(untied.body.detail).toBe('your login is not tied to an advisor');
    await request(composed.app).get('/api/appointments').set('Cookie', managerCookie).expect(403);
    await request(composed.app).get('/api/appointments').expect(401);
    const unknown = await request(composed.app)
      .get('/api/appointments')
      .query({ advisorId: '00000000-0000-4000-8000-000000000000' })
      .set('Cookie', adminCookie)
      .expect(404);
    expect(unknown.body.code).toBe('not_found');
  });

  it('refuses a range that ends before it starts, one over 62 days, and a date that is not ISO, naming the field', async () => {
    const get = (query: Record<string, string>) =>
      request(composed.app).get('/api/appointments').query(query).set('Cookie', adminCookie);
    const backwards = await get({ from: '2026-03-24T00:00:00Z', to: '2026-03-23T00:00:00Z' }).expect(400);
    expect(backwards.body.errors).toEqual([{ path: 'query.to', message: 'must be after from' }]);
    const long = await get({ from: '2026-03-01T00:00:00Z', to: '2026-05-02T00:00:01Z' }).expect(400);
    expect(long.body.errors).toEqual([{ path: 'query.to', message: 'must be at most 62 days after from' }]);
    const defaultFrom = await get({ to: '2026-05-25T00:00:00Z' }).expect(400);
    expect(defaultFrom.body.errors?.[0]?.path).toBe('query.to');
    const notIso = await get({ from: '24/03/2026' }).expect(400);
    expect(notIso.body.errors.map((e: { path: string }) => e.path)).toEqual(['query.from']);
    // 62 days exactly, between two UTC instants or between two Rome midnights across the change of time.
    await get({ from: '2026-03-01T00:00:00Z', to: '2026-05-02T00:00:00Z' }).expect(200);
    await get({ from: '2026-03-01T00:00:00+01:00', to: '2026-05-02T00:00:00+02:00' }).expect(200);
  });
});

describe('the customer’s rating of a consultation', () => {
  const survey = (token: string, body: object) =>
    request(composed.app).post(`/api/links/join/${token}/survey`).send(body);

  it('stores NPS with the comment and CSAT against the consultation’s journey entry, once the call is over', async () => {
    const c = await consultation('2026-03-02T08:05:00Z');
    now = c.minutes(1);
    const early = await survey(c.joinToken, { nps: 9, csat: 5 }).expect(503);
    expect(early.body.detail).toMatch(/has not ended yet/);
    expect(early.body.hint).toMatch(/retry in a few seconds/);
    await c.joins('customer', 1);
    await c.joins('advisor', 2);
    now = c.minutes(10);
    await survey(c.joinToken, { nps: 9, csat: 5 }).expect(503);
    await c.leaves('advisor', 26);
    now = c.minutes(27);

    const res = await survey(c.joinToken, { nps: 9, csat: 4, comment: '  Chiaro e gentile  ' }).expect(201);
    const entry = (await c.entry()) as Interaction;
    const stored = await composed.stores.surveys.forInteraction(entry.id);
    expect(
      stored
        .map(({ metric, score, comment, answeredAt }) => ({ metric, score, comment, answeredAt }))
        .sort((a, b) => a.metric.localeCompare(b.metric)),
    ).toEqual([
      { metric: 'csat', score: 4, comment: null, answeredAt: now },
      { metric: 'nps', score: 9, comment: 'Chiaro e gentile', answeredAt: now },
    ]);
    expect(res.body).toEqual([
      { metric: 'nps', score: 9, comment: 'Chiaro e gentile', answeredAt: now.toISOString() },
      { metric: 'csat', score: 4, comment: null, answeredAt: now.toISOString() },
    ]);
    conforms('POST /api/links/join/{token}/survey', res.body);
  });

  it('adds nothing when the customer answers again, even twice at once', async () => {
    const c = await consultation('2026-03-02T10:05:00Z');
    await c.callTakesPlace();
    now = c.minutes(27);
    const both = await Promise.all([
      survey(c.joinToken, { nps: 10, csat: 5 }),
      survey(c.joinToken, { nps: 2, csat: 1 }),
    ]);
    expect(both.map((r) => r.status).sort()).toEqual([201, 409]);
    const entry = (await c.entry()) as Interaction;
    const first = await composed.stores.surveys.forInteraction(entry.id);
    expect(first).toHaveLength(2);
    // The winner's two answers, not a mix of both.
    expect(new Set(first.map((a) => (a.metric === 'nps' ? a.score === 10 : a.score === 5))).size).toBe(1);
    const again = await survey(c.joinToken, { nps: 0, csat: 1 }).expect(409);
    expect(again.body.detail).toMatch(/already been rated/);
    expect(await composed.stores.surveys.forInteraction(entry.id)).toEqual(first);
  });

  it('names each bad field and stores nothing', async () => {
    const c = await consultation('2026-03-02T12:05:00Z');
    await c.callTakesPlace();
    now = c.minutes(27);
    const paths = async (body: object) =>
      ((await survey(c.joinToken, body).expect(400)).body.errors as { path: string }[]).map((e) => e.path);
    expect(await paths({ nps: 11, csat: 0 })).toEqual(['body.nps', 'body.csat']);
    expect(await paths({ nps: 7.5, csat: 3 })).toEqual(['body.nps']);
    expect(await paths({ nps: 7 })).toEqual(['body.csat']);
    expect(await paths({ nps: 7, csat: 3, comment: 'x'.repeat(2001) })).toEqual(['body.comment']);
    expect(await paths({ nps: '7', csat: 3 })).toEqual(['body.nps']);
    const entry = (await c.entry()) as Interaction;
    expect(await composed.stores.surveys.forInteraction(entry.id)).toEqual([]);
  });

  it('accepts only a genuine, unexpired join link for that consultation', async () => {
    const c = await consultation('2026-03-02T14:05:00Z');
    await c.callTakesPlace();
    now = c.minutes(27);
    const forged = await survey(`${c.joinToken.slice(0, -3)}abc`, { nps: 8, csat: 4 }).expect(401);
    expect(forged.body.detail).toBe('this link is not valid');
    const cancelLink = composed.links.sign({
      action: 'cancel',
      subject: c.appointment.id,
      expiresAt: c.appointment.endsAt,
    });
    const wrongAction = await survey(cancelLink, { nps: 8, csat: 4 }).expect(401);
    expect(wrongAction.body.detail).toBe('this link is for cancel, not join');
    now = new Date(c.appointment.endsAt.getTime() + JOIN_GRACE_MS + 1000);
    const expired = await survey(c.joinToken, { nps: 8, csat: 4 }).expect(401);
    expect(expired.body.detail).toBe('this link has expired');
    expect(await composed.stores.surveys.forInteraction(((await c.entry()) as Interaction).id)).toEqual([]);
  });

  it('says there is nothing to rate for a cancelled consultation', async () => {
    const c = await consultation('2026-03-02T16:05:00Z');
    await composed.stores.appointments.cancel(c.appointment.id, 'no longer needed');
    now = c.minutes(-60);
    const res = await survey(c.joinToken, { nps: 8, csat: 4 }).expect(409);
    expect(res.body.detail).toMatch(/was cancelled/);
    expect(res.body.hint).toBeUndefined();
  });
});

describe('the join page after the consultation', () => {
  const page = (token: string) => request(composed.app).get(`/join/${token}`);
  const stateOf = (html: string) => /<body data-state="([^"]*)"/.exec(html)?.[1];
  const RATING_SCRIPT = '<script type="module" src="/assets/rating.js"></script>';

  it('says a missed consultation is over and offers no rating, also when the customer came and the advisor did not', async () => {
    // The customer waited alone until the room closed: a no-show with a (failed) journey entry,
    // which the rating route would take.
    const alone = await consultation('2026-03-04T08:05:00Z');
    await alone.joins('customer', 1);
    await alone.roomFinishes(20);
    // Nobody came.
    const nobody = await consultation('2026-03-04T09:05:00Z');
    await nobody.roomFinishes(20);
    for (const c of [alone, nobody]) {
      now = c.minutes(27);
      expect((await composed.stores.appointments.appointment(c.appointment.id))?.status).toBe('no_show');
      const res = await page(c.joinToken).expect(200);
      expect(stateOf(res.text)).toBe('over');
      expect(res.text).toContain('Questa consulenza è terminata');
      expect(res.text).not.toContain(RATING_SCRIPT);
      expect(res.text).not.toContain('id="page-data"');
      expect(res.text).not.toContain('Grazie!');
    }
    expect(await alone.entry()).toMatchObject({ outcome: 'failed' });
    expect(await nobody.entry()).toBeUndefined();
  });

  it('offers a held consultation’s rating, under the call page’s policy, until its link expires', async () => {
    const c = await consultation('2026-03-04T10:05:00Z');
    await c.callTakesPlace();
    now = c.minutes(27);
    const res = await page(c.joinToken).expect(200);
    expect(stateOf(res.text)).toBe('survey');
    expect(res.text).toContain('Questa consulenza è terminata');
    expect(res.text).toContain(RATING_SCRIPT);
    expect(res.text).not.toContain('/assets/consultation.js');
    const data = /<script type="application\/json" id="page-data">([^<]*)<\/script>/.exec(res.text)?.[1];
    expect(JSON.parse(data ?? 'null')).toEqual({ token: c.joinToken, locale: 'it-IT' });
    const csp = String(res.headers['content-security-policy']);
    expect(csp.split('; ')).toEqual(expect.arrayContaining(["default-src 'none'", "script-src 'self'"]));
    expect(res.headers['cache-control']).toBe('no-store');
    const script = await request(composed.app).get('/assets/rating.js').expect(200);
    expect(script.headers['content-type']).toMatch(/^text\/javascript/);
    expect(script.text).toContain('/survey');

    // The link expires 30 minutes after the end: the page says so, with nothing to rate.
    now = new Date(c.appointment.endsAt.getTime() + JOIN_GRACE_MS + 1000);
    const expired = await page(c.joinToken).expect(410);
    expect(stateOf(expired.text)).toBe('expired');
    expect(expired.text).not.toContain(RATING_SCRIPT);
    expect(await composed.stores.surveys.forInteraction(((await c.entry()) as Interaction).id)).toEqual([]);
  });
});

describe('the advisor’s wrap-up', () => {
  const wrapUp = (id: string, cookie: string[], body: object) =>
    request(composed.app).post(`/api/appointments/${id}/wrap-up`).set('Cookie', cookie).send(body);

  it('records the outcome and notes on the consultation’s journey entry; a second one replaces the first', async () => {
    const c = await consultation('2026-03-03T08:05:00Z');
    await c.joins('customer', 1);
    await c.joins('advisor', 2);
    now = c.minutes(20);
    const during = await wrapUp(c.appointment.id, advisorCookie, { outcome: 'resolved', notes: '' }).expect(
      503,
    );
    expect(during.body.hint).toMatch(/retry in a few seconds/);
    await c.leaves('advisor', 26);
    const written = (await c.entry()) as Interaction;
    expect(written.outcome).toBe('resolved');

    now = c.minutes(28);
    const first = await wrapUp(c.appointment.id, advisorCookie, {
      outcome: 'follow_up',
      notes: 'Explained the estimated reading; send the meter photo guide.',
    }).expect(200);
    conforms('POST /api/appointments/{id}/wrap-up', first.body);
    expect(first.body).toMatchObject({ id: written.id, outcome: 'resolved', journeyId: written.journeyId });
    expect(first.body.details).toEqual({
      ...written.details,
      wrapUp: {
        outcome: 'follow_up',
        notes: 'Explained the estimated reading; send the meter photo guide.',
        by: advisorUserId,
        at: now.toISOString(),
      },
      outcomeBeforeWrapUp: 'resolved',
    });

    now = c.minutes(31);
    const corrected = await wrapUp(c.appointment.id, advisorCookie, {
      outcome: 'handed_off',
      notes: 'Passed to the back office for a meter check.',
    }).expect(200);
    expect(corrected.body.outcome).toBe('handed_off');
    expect(corrected.body.details.wrapUp).toEqual({
      outcome: 'handed_off',
      notes: 'Passed to the back office for a meter check.',
      by: advisorUserId,
      at: now.toISOString(),
    });
    // What the journey shows: one consultation entry, carrying the latest wrap-up.
    const journey = await request(composed.app)
      .get(`/api/customers/${c.customer.id}/interactions`)
      .set('Cookie', advisorCookie)
      .expect(200);
    expect(journey.body).toHaveLength(1);
    expect(journey.body[0]).toMatchObject({
      id: written.id,
      outcome: 'handed_off',
      details: { wrapUp: { outcome: 'handed_off' }, durationSeconds: written.details.durationSeconds },
    });

    const byAdmin = await wrapUp(c.appointment.id, adminCookie, {
      outcome: 'resolved',
      notes: 'Checked.',
    }).expect(200);
    expect(byAdmin.body.outcome).toBe('resolved');
    expect(byAdmin.body.details.wrapUp.by).toBe(adminUserId);
  });

  it('puts back the outcome the call itself had when a hand-off is corrected', async () => {
    // The customer waited; the advisor never came: a no-show the customer came to ('failed').
    const c = await consultation('2026-03-03T10:05:00Z');
    await c.joins('customer', 1);
    await c.roomFinishes(20);
    expect(((await c.entry()) as Interaction).outcome).toBe('failed');
    const handedOff = await wrapUp(c.appointment.id, advisorCookie, {
      outcome: 'handed_off',
      notes: '',
    }).expect(200);
    expect(handedOff.body.outcome).toBe('handed_off');
    const corrected = await wrapUp(c.appointment.id, advisorCookie, {
      outcome: 'follow_up',
      notes: 'Call back.',
    }).expect(200);
    expect(corrected.body.outcome).toBe('failed');
    expect(((await c.entry()) as Interaction).outcome).toBe('failed');
  });

  it('is for the assigned advisor and admins only, and names each bad field', async () => {
    const c = await consultation('2026-03-03T12:05:00Z');
    await c.callTakesPlace();
    const before = (await c.entry()) as Interaction;
    const stranger = await wrapUp(c.appointment.id, otherAdvisorCookie, {
      outcome: 'resolved',
      notes: '',
    }).expect(403);
    expect(stranger.body.detail).toMatch(/assigned to another advisor/);
    await wrapUp(c.appointment.id, managerCookie, { outcome: 'resolved', notes: '' }).expect(403);
    await request(composed.app).post(`/api/appointments/${c.appointment.id}/wrap-up`).send({}).expect(401);
    const bad = await wrapUp(c.appointment.id, advisorCookie, {
      outcome: 'done',
      notes: 'x'.repeat(4001),
    }).expect(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path)).toEqual(['body.outcome', 'body.notes']);
    const missing = await wrapUp(c.appointment.id, advisorCookie, { outcome: 'resolved' }).expect(400);
    expect(missing.body.errors.map((e: { path: string }) => e.path)).toEqual(['body.notes']);
    await wrapUp('00000000-0000-4000-8000-000000000000', advisorCookie, {
      outcome: 'resolved',
      notes: '',
    }).expect(404);
    expect(await c.entry()).toEqual(before);
  });
});

describe('sending a payment link from the console', () => {
  const send = (customerId: string, body: object, cookie = advisorCookie) =>
    request(composed.app).post(`/api/customers/${customerId}/payment-link`).set('Cookie', cookie).send(body);

  it('sends it on the customer’s preferred consented medium; opening it continues the consultation’s journey', async () => {
    const { customer } = await gasCustomer(composed.stores);
    const c = await consultation('2026-03-04T08:05:00Z', customer);
    await c.callTakesPlace();
    const entry = (await c.entry()) as Interaction;
    now = c.minutes(30);
    const res = await send(customer.id, { fromInteractionId: entry.id }).expect(201);
    conforms('POST /api/customers/{id}/payment-link', res.body);
    expect(res.body).toMatchObject({ medium: 'sms', alreadySent: false });
    expect(res.body.url).toMatch(/^http:\/\/localhost:3000\/pay\//);
    const messages = (await composed.stores.outbox.recent({ limit: 10, customerId: customer.id })).filter(
      (m) => m.kind === 'payment_link',
    );
    expect(messages.map((m) => [m.medium, m.recipient])).toEqual([['sms', customer.phone]]);
    expect(messages[0]?.body).toContain(res.body.url);
    // A second send from the same contact queues nothing and says so.
    const again = await send(customer.id, { fromInteractionId: entry.id }).expect(201);
    expect(again.body).toMatchObject({ medium: 'sms', alreadySent: true });
    expect(
      (await composed.stores.outbox.recent({ limit: 10, customerId: customer.id })).filter(
        (m) => m.kind === 'payment_link',
      ),
    ).toHaveLength(1);

    const token = (res.body.url as string).split('/').pop() as string;
    await request(composed.app).get(`/api/links/pay/${token}`).expect(200);
    const opening = (await composed.stores.interactions.forCustomer(customer.id, { limit: 10 })).find(
      (i) => i.source === 'payment_link',
    );
    expect(opening).toMatchObject({ channel: 'web', handoffFromId: entry.id, journeyId: entry.journeyId });
  });

  it('refuses a contact that is not the customer’s, naming the field, and sends nothing', async () => {
    const { customer } = await gasCustomer(composed.stores);
    const other = await consultation('2026-03-04T10:05:00Z');
    await other.callTakesPlace();
    const othersEntry = (await other.entry()) as Interaction;
    for (const fromInteractionId of [othersEntry.id, '00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      const res = await send(customer.id, { fromInteractionId }).expect(400);
      expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(['body.fromInteractionId']);
    }
    expect(await composed.stores.outbox.recent({ limit: 10, customerId: customer.id })).toEqual([]);
    await send('00000000-0000-4000-8000-000000000000', { fromInteractionId: othersEntry.id }).expect(404);
    await send(customer.id, { fromInteractionId: othersEntry.id }, managerCookie).expect(403);
  });

  it('says clearly when the customer may not be messaged', async () => {
    const c = await consultation('2026-03-04T12:05:00Z'); // a customer with no contact consent
    await c.callTakesPlace();
    const res = await send(c.customer.id, {
      fromInteractionId: ((await c.entry()) as Interaction).id,
    }).expect(409);
    expect(res.body.detail).toMatch(/may not be messaged/);
    expect(res.body.hint).toMatch(/consent/);
    expect(await composed.stores.outbox.recent({ limit: 10, customerId: c.customer.id })).toEqual([]);
  });
});

describe('following a consultation up with another', () => {
  it('lets an advisor book the next consultation in the same journey, which the next call continues', async () => {
    const { customer } = await gasCustomer(composed.stores);
    const c = await consultation('2026-03-05T08:05:00Z', customer);
    await c.callTakesPlace();
    const entry = (await c.entry()) as Interaction;
    const res = await request(composed.app)
      .post('/api/appointments')
      .set('Cookie', advisorCookie)
      .send({
        customerId: customer.id,
        topic: 'billing',
        locale: 'it-IT',
        startsAt: '2026-04-08T07:05:00Z', // Wednesday 09:05 in Rome
        journeyId: entry.journeyId,
      })
      .expect(201);
    expect(res.body.appointment.journeyId).toBe(entry.journeyId);

    const next = res.body.appointment as { id: string; advisorId: string };
    const advisorOfNext = next.advisorId === elena.id ? elena : piero;
    const identity = (role: ConsultationRole) =>
      `${role}:${role === 'advisor' ? advisorOfNext.id : customer.id}`;
    const at = (m: number) => new Date(new Date('2026-04-08T07:05:00Z').getTime() + m * 60_000);
    const events: ConsultationEvent[] = [
      ['customer', 0, 'participant_joined'] as const,
      ['advisor', 1, 'participant_joined'] as const,
      ['advisor', 20, 'participant_left'] as const,
    ].map(([role, m, kind], i) => ({
      kind,
      id: `EV_next_${next.id}_${i}`,
      appointmentId: next.id,
      at: at(m),
      participant: { sessionId: `PA_${role}_${next.id}`, role, identity: identity(role) },
      replaced: false,
    })) as ConsultationEvent[];
    for (const e of events) await composed.lifecycle.handle(e);
    const journey = await composed.stores.interactions.journey(entry.journeyId);
    expect(journey.map((i) => [i.channel, i.externalId])).toEqual([
      ['video', `consultation:${c.appointment.id}`],
      ['video', `consultation:${next.id}`],
    ]);
  });
});
