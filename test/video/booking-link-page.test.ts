import { describe, expect, it } from 'vitest';
import request from 'supertest';
import type { Express } from 'express';
import type { z } from 'zod';
import type { composeApp } from '../../app/compose.ts';
import type { Customer, Stores } from '../../core/index.ts';
import { officeHoursAdvisor, staffPassword, staffUsers } from '../support/fixtures.ts';
import {
  linkCustomer,
  offeredTimes,
  pathOf,
  postForm,
  SITE,
  stateOf,
  withLinkPagesApp,
} from '../support/link-pages.ts';

// A booking link: staff issue it and may have it sent to the customer; the page behind it lets
// the customer pick a topic and a free time and book, with no account.

// Monday 23 March 2026, 09:00 in Rome.
const START = new Date('2026-03-23T08:00:00Z');
let now = START;
const clock = { now: () => now };

let app: Express;
let stores: Stores;
let composed: Awaited<ReturnType<typeof composeApp>>;
let cookie: string;
let movingAdvisorId: string;

withLinkPagesApp(clock, async (opened) => {
  ({ composed, app, stores } = opened);
  await officeHoursAdvisor(stores, { name: 'Carla Bruno' });
  // Moving home is talked about in English only.
  const moving = await stores.advisors.addAdvisor({
    name: 'Helen Park',
    email: 'helen.park@example.it',
    languages: ['en-US'],
    topics: ['billing', 'moving'],
    timeZone: 'Europe/Rome',
    workingHours: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '09:00', end: '17:00' })),
  });
  movingAdvisorId = moving.id;
  const users = await staffUsers(stores);
  const login = await request(app)
    .post('/api/auth/login')
    .send({ username: users.advisor.username, password: staffPassword })
    .expect(200);
  cookie = String(login.headers['set-cookie']).split(';')[0] as string;
});

const issue = (customerId: string, body: object = {}) =>
  request(app).post(`/api/customers/${customerId}/booking-link`).set('Cookie', cookie).send(body);

/** The booking page's address, as staff get it. */
const bookingPage = async (customer: Customer) => pathOf((await issue(customer.id).expect(200)).body.url);

function conforms(body: unknown) {
  const schema = composed.responses.get('POST /api/customers/{id}/booking-link') as z.ZodType;
  const result = schema.safeParse(body);
  expect(result.success ? [] : result.error.issues).toEqual([]);
}

const upcoming = (customer: Customer) => stores.advisors.upcomingAppointments(customer.id, now);

describe('sending a booking link', () => {
  it('queues it by e-mail for a customer who prefers e-mail; the answer names that row, whose link opens the page', async () => {
    const customer = await linkCustomer(stores, 'it-IT', ['email', 'sms']);
    const res = await issue(customer.id, { send: true }).expect(200);
    conforms(res.body);
    expect(res.body.url).toMatch(new RegExp(`^${SITE}/book/`));
    expect(res.body.sent).toMatchObject({ status: 'queued', medium: 'email', recipient: customer.email });
    const rows = await stores.outbox.recent({ limit: 10, customerId: customer.id });
    expect(rows.map((m) => [m.id, m.kind, m.medium, m.recipient, m.status])).toEqual([
      [res.body.sent.messageId, 'booking_link', 'email', customer.email, 'pending'],
    ]);
    const [message] = rows;
    expect(message!.subject).toBe('Prenoti la sua consulenza video');
    expect(message!.sendAfter.getTime()).toBe(START.getTime());
    const link = /http:\/\/localhost:3000\/book\/\S+/.exec(message!.body)?.[0];
    expect(link).toBe(res.body.url);
    const page = await request(app).get(pathOf(link!)).expect(200);
    expect(page.text).toContain('<html lang="it">');
    expect(stateOf(page.text)).toBe('book');
  });

  it('sends it by text message to a customer who allows only that', async () => {
    const customer = await linkCustomer(stores, 'en-US', ['sms']);
    const res = await issue(customer.id, { send: true }).expect(200);
    expect(res.body.sent).toMatchObject({ status: 'queued', medium: 'sms', recipient: customer.phone });
    const [sms] = await stores.outbox.recent({ limit: 10, customerId: customer.id });
    expect([sms?.id, sms?.medium, sms?.recipient, sms?.subject]).toEqual([
      res.body.sent.messageId,
      'sms',
      customer.phone,
      null,
    ]);
    expect(sms?.body).toContain(res.body.url);
    expect(sms?.body).toMatch(/^Book your video consultation here/);
  });

  it('says nothing was sent to a customer who allows letters only, queues nothing and still gives the link', async () => {
    const customer = await linkCustomer(stores, 'it-IT', []);
    const res = await issue(customer.id, { send: true }).expect(200);
    conforms(res.body);
    expect(res.body.sent).toEqual({
      status: 'unreachable',
      detail: expect.stringMatching(/nothing was sent/),
    });
    expect(await stores.outbox.recent({ limit: 10, customerId: customer.id })).toEqual([]);
    await request(app).get(pathOf(res.body.url)).expect(200);
  });

  it('only issues the link when sending is not asked, and names a bad `send`', async () => {
    const customer = await linkCustomer(stores, 'it-IT', ['email']);
    const res = await issue(customer.id).expect(200);
    expect(res.body.sent).toBeNull();
    expect(await stores.outbox.recent({ limit: 10, customerId: customer.id })).toEqual([]);
    const bad = await issue(customer.id, { send: 'yes' }).expect(400);
    expect(bad.body.errors[0].path).toBe('body.send');
  });
});

describe('the booking page', () => {
  it('offers the free times of the one topic served in Italian, and books the one chosen', async () => {
    const customer = await linkCustomer(stores, 'it-IT', ['email']);
    const path = await bookingPage(customer);
    const page = await request(app)
      .get(path)
      .expect(200)
      .expect('Content-Type', /text\/html/);
    expect(page.text).toContain('bollette');
    // The times are Rome's: 09:35 UTC on Tuesday 24 March is 10:35 there.
    expect(page.text).toMatch(/<h2>martedì 24 marzo<\/h2>/);
    expect(page.text).toMatch(/value="2026-03-24T09:35:00.000Z" \/>\s*<button[^>]*>10:35</);
    const chosen = offeredTimes(page.text).find((t) => t === '2026-03-24T09:35:00.000Z')!;
    const done = await postForm(app, path, { topic: 'billing', startsAt: chosen }).expect(201);
    expect(stateOf(done.text)).toBe('booked');
    expect(done.text).toMatch(/id="result">[^<]*bollette, martedì 24 marzo[^<]*10:35, con Carla Bruno/);
    expect(done.text).toContain('data-medium="email"');
    const join = /id="join" class="button" href="([^"]+)"/.exec(done.text)?.[1];
    expect(join).toMatch(/^http:\/\/localhost:3000\/join\//);
    const [appointment, ...more] = await upcoming(customer);
    expect(more).toEqual([]);
    expect(appointment).toMatchObject({
      topic: 'billing',
      locale: 'it-IT',
      bookedVia: 'web',
      status: 'booked',
    });
    expect(appointment!.startsAt.toISOString()).toBe(chosen);
    const confirmation = (await stores.outbox.recent({ limit: 10, customerId: customer.id })).find(
      (m) => m.kind === 'confirmation',
    );
    expect([confirmation?.medium, confirmation?.appointmentId]).toEqual(['email', appointment!.id]);
    expect(confirmation?.body).toContain(join);
    const steps = await stores.interactions.forCustomer(customer.id, { limit: 5 });
    expect(steps.map((s) => s.details.action)).toEqual(['book']);
  });

  it('lets an English-speaking customer choose among the topics served in English', async () => {
    const customer = await linkCustomer(stores, 'en-US', ['sms']);
    const path = await bookingPage(customer);
    const topics = await request(app).get(path).expect(200);
    expect(topics.text).toContain('<html lang="en">');
    expect(offeredTimes(topics.text)).toEqual([]);
    expect(topics.text).toContain(`href="${path}?topic=billing"`);
    expect(topics.text).toContain('moving home');
    const page = await request(app).get(`${path}?topic=moving`).expect(200);
    expect(page.text).toMatch(/<h2>Tuesday, March 24<\/h2>/);
    expect(page.text).toContain('name="topic" value="moving"');
    const chosen = offeredTimes(page.text).find((t) => t === '2026-03-24T12:35:00.000Z')!;
    const done = await postForm(app, path, { topic: 'moving', startsAt: chosen }).expect(201);
    expect(done.text).toMatch(/moving home, Tuesday, March 24.*01:35\sPM, with Helen Park/u);
    expect(done.text).toContain('data-medium="sms"');
    const [appointment] = await upcoming(customer);
    expect([appointment?.topic, appointment?.advisorId, appointment?.startsAt.toISOString()]).toEqual([
      'moving',
      movingAdvisorId,
      chosen,
    ]);
  });

  it('books on the times of the following days too', async () => {
    const customer = await linkCustomer(stores, 'it-IT', ['email']);
    const path = await bookingPage(customer);
    const later = /id="later" href="([^"]+)"/.exec((await request(app).get(path).expect(200)).text)?.[1];
    expect(later).toBe(`${path}?topic=billing&amp;from=2026-03-30`);
    const page = await request(app).get(`${path}?topic=billing&from=2026-04-02`).expect(200);
    const chosen = offeredTimes(page.text)[0]!;
    expect(chosen).toBe('2026-04-02T07:05:00.000Z');
    await postForm(app, path, { topic: 'billing', startsAt: chosen }).expect(201);
    expect((await upcoming(customer)).map((a) => a.startsAt.toISOString())).toEqual([chosen]);
  });
});

describe('booking refusals', () => {
  it('say a booking link has expired, in the customer’s language, after its seven days', async () => {
    const customer = await linkCustomer(stores, 'en-US', ['email']);
    const path = await bookingPage(customer);
    now = new Date('2026-03-30T08:00:01Z');
    try {
      const page = await request(app).get(path).expect(410);
      expect(page.text).toContain('<html lang="en">');
      expect(page.text).toContain('A booking link works for seven days');
      await postForm(app, path, { topic: 'billing', startsAt: '2026-03-31T07:05:00Z' }).expect(410);
    } finally {
      now = START;
    }
    expect(await upcoming(customer)).toEqual([]);
  });

  it('refuse a tampered link and a link of another kind with a page in both languages', async () => {
    const customer = await linkCustomer(stores, 'it-IT', ['email']);
    const other = await linkCustomer(stores, 'it-IT', ['email']);
    const path = await bookingPage(customer);
    const { appointment } = await composed.desk.book({
      customerId: other.id,
      topic: 'billing',
      locale: 'it-IT',
      startsAt: '2026-04-01T07:05:00Z',
      bookedVia: 'web',
    });
    const reschedule = pathOf(composed.appointmentLinks.forAppointment(appointment).reschedule.url);
    for (const wrong of [path.replace(customer.id, other.id), reschedule.replace('/reschedule/', '/book/')]) {
      const page = await request(app).get(wrong).expect(404);
      expect(page.text).toContain('Questo link non è valido');
      expect(page.text).toContain('This link is not valid');
      await postForm(app, wrong, { topic: 'billing', startsAt: '2026-04-01T07:50:00Z' }).expect(404);
    }
    expect(await upcoming(customer)).toEqual([]);
    expect(await upcoming(other)).toHaveLength(1);
  });

  it('say a topic not served in the customer’s language is not available', async () => {
    const customer = await linkCustomer(stores, 'it-IT', ['email']);
    const path = await bookingPage(customer);
    const page = await request(app).get(`${path}?topic=gardening`).expect(400);
    expect(stateOf(page.text)).toBe('notATopic');
    expect(page.text).toContain(`href="${path}?topic=billing"`);
    await postForm(app, path, { topic: 'moving', startsAt: '2026-03-24T12:35:00Z' }).expect(400);
    expect(await upcoming(customer)).toEqual([]);
  });

  it('say a time taken meanwhile is no longer free and offer the free times again', async () => {
    const customer = await linkCustomer(stores, 'it-IT', ['email']);
    const path = await bookingPage(customer);
    const wanted = offeredTimes((await request(app).get(path).expect(200)).text)[0]!;
    const rival = await linkCustomer(stores, 'it-IT', ['email']);
    await composed.desk.book({
      customerId: rival.id,
      topic: 'billing',
      locale: 'it-IT',
      startsAt: wanted,
      bookedVia: 'web',
    });
    const page = await postForm(app, path, { topic: 'billing', startsAt: wanted }).expect(409);
    expect(stateOf(page.text)).toBe('slotTaken');
    expect(page.text).toContain('Orario non più libero');
    expect(offeredTimes(page.text)).not.toContain(wanted);
    expect(offeredTimes(page.text).length).toBeGreaterThan(3);
    expect(await upcoming(customer)).toEqual([]);
  });

  it('say a customer with as many consultations booked as allowed must cancel one first', async () => {
    const customer = await linkCustomer(stores, 'it-IT', ['email']);
    const path = await bookingPage(customer);
    for (let n = 0; n < 3; n++) {
      const free = offeredTimes((await request(app).get(path).expect(200)).text)[0]!;
      const res = await postForm(app, path, { topic: 'billing', startsAt: free });
      expect(res.status).toBe(n < 2 ? 201 : 409);
      if (n === 2) expect(stateOf(res.text)).toBe('tooMany');
    }
    expect(await upcoming(customer)).toHaveLength(2);
  });
});

describe('booking requests from outsiders', () => {
  it('answer 4xx to a bad address, a form from another site, a body that is not a form and a huge body', async () => {
    const customer = await linkCustomer(stores, 'it-IT', ['email']);
    const path = await bookingPage(customer);
    const fields = { topic: 'billing', startsAt: '2026-03-26T07:05:00Z' };
    await request(app).get('/book/%E0%A4%A').expect(400);
    await request(app).get(`${path}%00`).expect(400);
    await postForm(app, '/book/abc%00.def', fields).expect(400);
    const crossSite = await request(app)
      .post(path)
      .set('Origin', 'https://evil.example')
      .type('form')
      .send(fields)
      .expect(403);
    expect(crossSite.text).toContain('<html lang="it">');
    await request(app).post(path).set('Origin', SITE).send(fields).expect(415);
    await postForm(app, path, { ...fields, filler: 'z'.repeat(10_000) }).expect(413);
    await postForm(app, path, { ...fields, topic: 'bill\u0000ing' }).expect(400);
    expect(await upcoming(customer)).toEqual([]);
  });
});
