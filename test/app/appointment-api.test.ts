import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import type { Express } from 'express';
import type { z } from 'zod';
import { pino } from 'pino';
import { composeApp } from '../../app/compose.ts';
import type { StorageHandle, Stores } from '../../core/index.ts';
import { openTestDatabase } from '../support/database.ts';
import { gasCustomer, staffPassword, staffUsers, officeHoursAdvisor } from '../support/fixtures.ts';

// Monday 23 March 2026, 09:00 in Rome; tests move it forward to expire links.
let now = new Date('2026-03-23T08:00:00Z');
const clock = { now: () => now };

let storage: StorageHandle;
let app: Express;
let stores: Stores;
let responses: Map<string, z.ZodType>;
let advisorCookie: string[];
let adminCookie: string[];

beforeAll(async () => {
  storage = await openTestDatabase();
  ({ app, stores, responses } = await composeApp({
    storage,
    config: { PUBLIC_URL: 'http://localhost:3000', SESSION_TTL_HOURS: 1000, COOKIE_SECURE: false },
    logger: pino({ level: 'silent' }),
    clock,
  }));
  const users = await staffUsers(stores);
  const login = await request(app)
    .post('/api/auth/login')
    .send({ username: users.advisor.username, password: staffPassword })
    .expect(200);
  advisorCookie = [String(login.headers['set-cookie']).split(';')[0] as string];
  const admin = await request(app)
    .post('/api/auth/login')
    .send({ username: users.admin.username, password: staffPassword })
    .expect(200);
  adminCookie = [String(admin.headers['set-cookie']).split(';')[0] as string];
  await officeHoursAdvisor(stores, { name: 'Carla', languages: ['it-IT'] });
});

afterAll(async () => {
  await storage?.close();
});

function conforms(route: string, body: unknown) {
  const result = (responses.get(route) as z.ZodType).safeParse(body);
  expect(result.success ? [] : result.error.issues).toEqual([]);
}

const bookingLink = async (customerId: string) =>
  (
    await request(app)
      .post(`/api/customers/${customerId}/booking-link`)
      .set('Cookie', advisorCookie)
      .send({})
      .expect(200)
  ).body as { token: string; url: string };

describe('staff booking', () => {
  it('lists free slots and books one on a customer’s behalf, returning the customer’s links', async () => {
    const { customer } = await gasCustomer(stores);
    const slots = await request(app)
      .get('/api/appointments/slots')
      .query({ topic: 'billing', locale: 'it-IT', from: '2026-03-24T00:00:00Z', to: '2026-03-25T00:00:00Z' })
      .set('Cookie', advisorCookie)
      .expect(200);
    conforms('GET /api/appointments/slots', slots.body);
    expect(slots.body.length).toBeGreaterThan(5);
    const res = await request(app)
      .post('/api/appointments')
      .set('Cookie', advisorCookie)
      .send({ customerId: customer.id, topic: 'billing', locale: 'it-IT', startsAt: slots.body[0].startsAt })
      .expect(201);
    conforms('POST /api/appointments', res.body);
    expect(res.body.appointment).toMatchObject({ status: 'booked', bookedVia: 'call_centre' });
    expect(res.body.links.join.url).toMatch(/^http:\/\/localhost:3000\/join\//);
  });

  it('refuses to put a consultation into another customer’s journey', async () => {
    const { customer } = await gasCustomer(stores);
    const other = await gasCustomer(stores);
    const contact = await stores.interactions.record({
      customerId: other.customer.id,
      channel: 'web',
      touchpoint: 'self_service',
      direction: 'inbound',
      reason: 'bill_explanation',
      startedAt: now,
      outcome: 'abandoned',
    });
    const res = await request(app)
      .post('/api/appointments')
      .set('Cookie', advisorCookie)
      .send({
        customerId: customer.id,
        topic: 'billing',
        locale: 'it-IT',
        startsAt: '2026-03-24T12:35:00Z',
        journeyId: contact.journeyId,
      })
      .expect(400);
    expect(res.body.errors).toEqual([{ path: 'body.journeyId', message: "is another customer's journey" }]);
  });

  it('needs a staff session', async () => {
    await request(app)
      .get('/api/appointments/slots')
      .query({ topic: 'billing', locale: 'it-IT' })
      .expect(401);
  });

  it('refuses a slot outside the advisors’ hours and changes nothing', async () => {
    const { customer } = await gasCustomer(stores);
    const res = await request(app)
      .post('/api/appointments')
      .set('Cookie', advisorCookie)
      .send({ customerId: customer.id, topic: 'billing', locale: 'it-IT', startsAt: '2026-03-24T21:05:00Z' })
      .expect(400);
    expect(res.body.errors).toEqual([{ path: 'startsAt', message: 'is not a slot advisors offer' }]);
    expect(await stores.advisors.upcomingAppointments(customer.id, now)).toEqual([]);
  });

  it('answers 404 for an unknown appointment', async () => {
    await request(app)
      .post('/api/appointments/00000000-0000-4000-8000-000000000000/cancel')
      .set('Cookie', advisorCookie)
      .send({ reason: 'no longer needed' })
      .expect(404);
  });
});

/** A customer allowing contact only on the media given (with both addresses on file). */
const customerAllowing = (lastName: string, media: ('email' | 'sms')[]) =>
  stores.customers.create({
    firstName: 'Elena',
    lastName,
    locale: 'it-IT',
    phone: '+393471234567',
    email: `elena.${lastName.toLowerCase()}@example.it`,
    segment: 'residential',
    preferredMedium: null,
    consents: [
      { purpose: 'data_processing', granted: true, givenAt: '2025-06-02T10:00:00Z', source: 'paper_form' },
      ...media.map((medium) => ({
        purpose: 'contact' as const,
        medium,
        granted: true,
        givenAt: '2025-06-02T10:00:00Z',
        source: 'paper_form' as const,
      })),
    ],
  });

describe('the confirmation of a staff booking', () => {
  const book = async (customerId: string, startsAt: string) => {
    const res = await request(app)
      .post('/api/appointments')
      .set('Cookie', advisorCookie)
      .send({ customerId, topic: 'billing', locale: 'it-IT', startsAt })
      .expect(201);
    conforms('POST /api/appointments', res.body);
    return res.body as {
      appointment: { id: string };
      notice: { status: string; medium?: string; recipient?: string; messageId?: string; detail?: string };
    };
  };
  const row = (id: string) =>
    storage.db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirst();

  it('says the e-mail it was queued on and its outbox row, for a customer who allows e-mail', async () => {
    const customer = await customerAllowing('Galli', ['email']);
    const { appointment, notice } = await book(customer.id, '2026-03-25T08:05:00Z');
    expect(notice).toMatchObject({ status: 'queued', medium: 'email', recipient: 'elena.galli@example.it' });
    expect(await row(notice.messageId as string)).toMatchObject({
      kind: 'confirmation',
      medium: 'email',
      recipient: 'elena.galli@example.it',
      customer_id: customer.id,
      appointment_id: appointment.id,
      status: 'pending',
    });
  });

  it('says the SMS it was queued on and its outbox row, for a customer who allows only SMS', async () => {
    const customer = await customerAllowing('Moretti', ['sms']);
    const { appointment, notice } = await book(customer.id, '2026-03-25T08:50:00Z');
    expect(notice).toMatchObject({ status: 'queued', medium: 'sms', recipient: '+393471234567' });
    expect(await row(notice.messageId as string)).toMatchObject({
      kind: 'confirmation',
      medium: 'sms',
      recipient: '+393471234567',
      customer_id: customer.id,
      appointment_id: appointment.id,
    });
  });

  it('says the customer is unreachable when they allow no message, and nothing is queued', async () => {
    const customer = await customerAllowing('Bruno', []);
    const { appointment, notice } = await book(customer.id, '2026-03-25T09:35:00Z');
    expect(notice).toEqual({
      status: 'unreachable',
      detail: 'nothing was sent: the customer has consented to no e-mail or SMS with an address on file',
    });
    const queued = await storage.db
      .selectFrom('outbox')
      .select('id')
      .where('appointment_id', '=', appointment.id)
      .execute();
    expect(queued).toEqual([]);
  });
});

describe('customer links', () => {
  it('let the customer book, move and cancel with no login, each step landing in their journey', async () => {
    const { customer } = await gasCustomer(stores);
    const link = await bookingLink(customer.id);
    const slots = await request(app)
      .get(`/api/links/book/${link.token}/slots`)
      .query({ topic: 'billing', from: '2026-03-25T00:00:00Z', to: '2026-03-26T00:00:00Z' })
      .expect(200);
    expect(slots.body[0]).not.toHaveProperty('advisorIds');
    const booked = await request(app)
      .post(`/api/links/book/${link.token}`)
      .send({ topic: 'billing', startsAt: slots.body[0].startsAt })
      .expect(201);
    expect(booked.body.appointment).toMatchObject({
      customerId: customer.id,
      locale: 'it-IT',
      bookedVia: 'web',
    });
    // Whoever holds the link learns that the customer was told and how, not the address on file.
    const [confirmation] = (await stores.outbox.recent({ limit: 5, customerId: customer.id })).filter(
      (m) => m.kind === 'confirmation' && m.appointmentId === booked.body.appointment.id,
    );
    expect(booked.body.notice).toEqual({ status: 'queued', medium: confirmation?.medium });
    expect(JSON.stringify(booked.body)).not.toContain(customer.phone as string);
    const moved = await request(app)
      .post(`/api/links/reschedule/${booked.body.links.reschedule.token}`)
      .send({ startsAt: slots.body[1].startsAt })
      .expect(200);
    expect(moved.body.appointment.startsAt).toBe(slots.body[1].startsAt);
    expect(moved.body.notice).toEqual({ status: 'queued', medium: confirmation?.medium });
    await request(app)
      .post(`/api/links/cancel/${moved.body.links.cancel.token}`)
      .send({ reason: 'solved by phone' })
      .expect(200);
    const steps = await stores.interactions.forCustomer(customer.id, { limit: 10 });
    // The test clock stands still, so order by journey step rather than by time.
    const inOrder = [...steps].sort((a, b) => a.journeyStep - b.journeyStep);
    expect(inOrder.map((s) => s.details.action)).toEqual(['book', 'reschedule', 'cancel']);
    expect(new Set(steps.map((s) => s.journeyId)).size).toBe(1);
  });

  it('refuse a tampered link, a link for another action, and an expired link, changing nothing', async () => {
    const { customer } = await gasCustomer(stores);
    const link = await bookingLink(customer.id);
    const booked = await request(app)
      .post(`/api/links/book/${link.token}`)
      .send({ topic: 'billing', startsAt: '2026-03-26T08:05:00Z' })
      .expect(201);
    const cancelToken: string = booked.body.links.cancel.token;
    const other = await gasCustomer(stores);
    const tampered = cancelToken.replace(booked.body.appointment.id, other.customer.id);
    const forged = await request(app).post(`/api/links/cancel/${tampered}`).send({ reason: 'x' }).expect(401);
    expect(forged.body.detail).toBe('this link is not valid');
    expect(forged.body.instance).toBe('/api/links/cancel/[redacted]');
    const wrongAction = await request(app)
      .post(`/api/links/cancel/${booked.body.links.reschedule.token}`)
      .send({ reason: 'x' })
      .expect(401);
    expect(wrongAction.body.detail).toBe('this link is for reschedule, not cancel');
    now = new Date('2026-03-31T08:00:00Z');
    try {
      const expired = await request(app)
        .get(`/api/links/book/${link.token}/slots`)
        .query({ topic: 'billing', from: '2026-04-01T00:00:00Z', to: '2026-04-02T00:00:00Z' })
        .expect(401);
      expect(expired.body.detail).toBe('this link has expired');
    } finally {
      now = new Date('2026-03-23T08:00:00Z');
    }
    const stored = await stores.appointments.appointment(booked.body.appointment.id);
    expect(stored?.status).toBe('booked');
  });
});

describe('advisors’ availability', () => {
  it('lets an admin add an advisor, change their hours and give them a day off, which booking then honours', async () => {
    const advisor = {
      name: 'Franco Moretti',
      email: 'franco@example.it',
      languages: ['en-US'],
      topics: ['moving'],
      timeZone: 'Europe/Rome',
      workingHours: [{ weekday: 3, start: '09:00', end: '11:00' }],
    };
    await request(app).post('/api/advisors').set('Cookie', advisorCookie).send(advisor).expect(403);
    const created = await request(app)
      .post('/api/advisors')
      .set('Cookie', adminCookie)
      .send(advisor)
      .expect(201);
    conforms('POST /api/advisors', created.body);
    const slots = (from: string, to: string) =>
      request(app)
        .get('/api/appointments/slots')
        .query({ topic: 'moving', locale: 'en-US', from, to })
        .set('Cookie', advisorCookie)
        .expect(200)
        .then((res) => res.body.map((slot: { startsAt: string }) => slot.startsAt));
    // Wednesday 25 March, 09:00–11:00 in Rome (08:00–10:00Z): two 45-minute blocks.
    expect(await slots('2026-03-25T00:00:00Z', '2026-03-26T00:00:00Z')).toEqual([
      '2026-03-25T08:05:00.000Z',
      '2026-03-25T08:50:00.000Z',
    ]);
    const bad = await request(app)
      .put(`/api/advisors/${created.body.id}/working-hours`)
      .set('Cookie', adminCookie)
      .send({ workingHours: [{ weekday: 8, start: '12:00', end: '10:00' }] })
      .expect(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'body.workingHours.0.end',
      'body.workingHours.0.weekday',
    ]);
    await request(app)
      .put(`/api/advisors/${created.body.id}/working-hours`)
      .set('Cookie', adminCookie)
      .send({ workingHours: [{ weekday: 4, start: '14:00', end: '15:00' }] })
      .expect(200);
    expect(await slots('2026-03-25T00:00:00Z', '2026-03-26T00:00:00Z')).toEqual([]);
    expect(await slots('2026-03-26T00:00:00Z', '2026-03-27T00:00:00Z')).toEqual(['2026-03-26T13:05:00.000Z']);
    await request(app)
      .put(`/api/advisors/${created.body.id}/overrides/2026-03-26`)
      .set('Cookie', adminCookie)
      .send({ hours: [], reason: 'training' })
      .expect(200);
    expect(await slots('2026-03-26T00:00:00Z', '2026-03-27T00:00:00Z')).toEqual([]);
    const overrides = await request(app)
      .get(`/api/advisors/${created.body.id}/overrides`)
      .query({ from: '2026-03-01', to: '2026-03-31' })
      .set('Cookie', advisorCookie)
      .expect(200);
    expect(overrides.body).toMatchObject([{ day: '2026-03-26', hours: [], reason: 'training' }]);
  });
});
