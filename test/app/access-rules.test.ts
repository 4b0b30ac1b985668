import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { sql } from 'kysely';
import type { Express } from 'express';
import { pino } from 'pino';
import { composeApp } from '../../app/compose.ts';
import type { StorageHandle, Stores } from '../../core/index.ts';
import { openTestDatabase } from '../support/database.ts';
import {
  consultationFor,
  gasCustomer,
  officeHoursAdvisor,
  staffPassword,
  staffUsers,
} from '../support/fixtures.ts';
import { loggedInAgent } from '../support/staff-login.ts';

// Who may do what, whatever route they take, and what leaves the server.

// Monday 23 March 2026, 09:00 in Rome.
const now = new Date('2026-03-23T08:00:00Z');
const clock = { now: () => now };

let storage: StorageHandle;
let app: Express;
let stores: Stores;
let composed: Awaited<ReturnType<typeof composeApp>>;
let users: Awaited<ReturnType<typeof staffUsers>>;

beforeAll(async () => {
  storage = await openTestDatabase();
  composed = await composeApp({
    storage,
    config: { PUBLIC_URL: 'http://localhost:3000', SESSION_TTL_HOURS: 1000, COOKIE_SECURE: false },
    logger: pino({ level: 'silent' }),
    clock,
  });
  ({ app, stores } = composed);
  users = await staffUsers(stores);
  await officeHoursAdvisor(stores, {
    name: 'Elena Galli',
    languages: ['it-IT'],
    staffUserId: users.advisor.id,
  });
});

afterAll(async () => {
  await storage?.close();
});

const loginAs = (username: string) => loggedInAgent(app, username);

describe('sources the product’s own channels write', () => {
  it('refuses a consultation’s journey entry recorded through the API, and stores nothing', async () => {
    const { customer, appointment } = await consultationFor(stores, {
      startsAt: new Date('2026-03-20T09:00:00Z'),
      endsAt: new Date('2026-03-20T09:30:00Z'),
    });
    const advisor = await loginAs(users.advisor.username);
    const forged = await advisor.post('/api/interactions').send({
      customerId: customer.id,
      channel: 'video',
      touchpoint: 'consultation',
      direction: 'inbound',
      reason: 'billing',
      startedAt: '2026-03-20T10:00:00+01:00',
      endedAt: '2026-03-20T10:20:00+01:00',
      outcome: 'resolved',
      source: 'video',
      externalId: `consultation:${appointment.id}`,
    });
    expect(forged.status).toBe(400);
    expect(forged.body.errors).toContainEqual({
      path: 'body.source',
      message: expect.stringMatching(/reserved/),
    });
    expect(await stores.interactions.fromSource('video', `consultation:${appointment.id}`)).toBeUndefined();
  });

  it('refuses an import under a reserved source before reading a row', async () => {
    const { customer, appointment } = await consultationFor(stores, {
      startsAt: new Date('2026-03-20T10:00:00Z'),
      endsAt: new Date('2026-03-20T10:30:00Z'),
    });
    const manager = await loginAs(users.manager.username);
    for (const source of ['video', 'payment_link']) {
      const res = await manager
        .post(`/api/imports/interactions?source=${source}`)
        .set('Content-Type', 'text/csv')
        .send(
          'external_id,customer_id,channel,touchpoint,direction,reason,started_at,outcome\n' +
            `consultation:${appointment.id},${customer.id},video,consultation,inbound,billing,2026-03-20T11:00:00+01:00,resolved\n`,
        );
      expect(res.status).toBe(400);
      expect(res.body.errors).toContainEqual({
        path: 'query.source',
        message: expect.stringMatching(/reserved/),
      });
    }
    expect(await stores.interactions.fromSource('video', `consultation:${appointment.id}`)).toBeUndefined();
  });
});

describe('another advisor’s consultation', () => {
  it('is refused to an advisor on every route that names it, as listing it is, and open to its advisor and admins', async () => {
    const theirs = await consultationFor(stores, {
      startsAt: new Date('2026-03-26T09:05:00Z'),
      endsAt: new Date('2026-03-26T09:35:00Z'),
    });
    const advisor = await loginAs(users.advisor.username);
    const id = theirs.appointment.id;
    const attempts = [
      advisor.get(`/api/appointments/${id}`),
      advisor.post(`/api/appointments/${id}/reschedule`).send({ startsAt: '2026-03-27T09:05:00Z' }),
      advisor.post(`/api/appointments/${id}/cancel`).send({ reason: 'cliente non disponibile' }),
      advisor.post(`/api/appointments/${id}/wrap-up`).send({ outcome: 'resolved', notes: '' }),
      advisor.get(`/api/appointments?advisorId=${theirs.advisor.id}`),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status, res.text).toBe(403);
      expect(JSON.stringify(res.body)).not.toMatch(/token/);
    }
    expect((await stores.appointments.appointment(id))?.status).toBe('booked');
    const admin = await loginAs(users.admin.username);
    expect((await admin.get(`/api/appointments/${id}`)).status).toBe(200);
    const marco = await stores.staff.addUser({
      username: 'marco.bianchi',
      displayName: 'Marco Bianchi',
      role: 'advisor',
      password: staffPassword,
    });
    await stores.advisors.setStaffUser(theirs.advisor.id, marco.id);
    const own = await loginAs('marco.bianchi');
    expect((await own.get(`/api/appointments/${id}`)).status).toBe(200);
  });
});

describe('requests another site could make with a staff member’s cookie', () => {
  it('refuses a state-changing request that is not JSON, even without a body, and sends nothing', async () => {
    const { customer } = await gasCustomer(stores);
    const advisor = await loginAs(users.advisor.username);
    const formPost = await advisor
      .post(`/api/customers/${customer.id}/voice-link-code`)
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .send('');
    expect(formPost.status).toBe(400);
    expect(formPost.body.detail).toMatch(/application\/json/);
    const bare = await advisor.post(`/api/customers/${customer.id}/booking-link`);
    expect(bare.status).toBe(400);
    const textPlain = await advisor
      .post(`/api/customers/${customer.id}/voice-link-code`)
      .set('Content-Type', 'text/plain')
      .send('x');
    expect(textPlain.status).toBe(400);
    expect(await stores.outbox.recent({ limit: 10, customerId: customer.id })).toEqual([]);
    const json = await advisor.post(`/api/customers/${customer.id}/voice-link-code`).send({});
    expect(json.status).toBe(201);
    expect(await stores.outbox.recent({ limit: 10, customerId: customer.id })).toHaveLength(1);
  });

  it('starts no computation on a GET: refresh is a POST', async () => {
    const manager = await loginAs(users.manager.username);
    const url = '/api/census?from=2026-03-02&to=2026-03-08';
    let answer = (await manager.get(url).expect(200)).body;
    for (let i = 0; answer.status !== 'ready' && i < 100; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      answer = (await manager.get(url).expect(200)).body;
    }
    expect(answer.status).toBe('ready');
    const computations = async () => {
      const { rows } = await sql<{ n: string }>`
        select count(*) as n from analysis_runs where kind = 'census'`.execute(storage.db);
      return Number(rows[0]?.n);
    };
    const before = await computations();
    const again = (await manager.get(`${url}&refresh=true`).expect(200)).body;
    expect(again).toEqual(answer);
    expect(await computations()).toBe(before);
    const refreshed = await manager
      .post('/api/census/refresh')
      .send({ from: '2026-03-02', to: '2026-03-08' })
      .expect(200);
    // The POST computes afresh (the census is quick enough to answer at once); the GET did not.
    expect(refreshed.body.status).toBe('ready');
    expect(await computations()).toBe(before + 1);
    await manager.get('/manage/census?from=2026-03-02&to=2026-03-08&refresh=1').expect(200);
  });
});

describe('what leaves the server', () => {
  it('puts nosniff, a frame-ancestors policy and no-store on answers with customer data or live links', async () => {
    const { customer } = await gasCustomer(stores);
    const advisor = await loginAs(users.advisor.username);
    const booked = await advisor
      .post('/api/appointments')
      .send({ customerId: customer.id, topic: 'billing', locale: 'it-IT', startsAt: '2026-03-24T08:05:00Z' })
      .expect(201);
    const join = booked.body.links.join.token as string;
    const answers = [
      await request(app).get('/healthz'),
      await request(app).get('/nowhere'),
      await advisor.get(`/api/customers/${customer.id}/context`),
      await request(app).get(`/api/links/join/${join}`),
      await request(app).get(`/join/${join}`),
      await advisor.get('/outbox'),
      await advisor.get('/api/outbox'),
      await request(app).get('/manage/login'),
    ];
    for (const [i, res] of answers.entries()) {
      const where = `answer ${i}`;
      expect(res.headers['x-content-type-options'], where).toBe('nosniff');
      expect(res.headers['content-security-policy'], where).toMatch(/frame-ancestors 'none'/);
    }
    for (const [i, res] of answers.entries()) {
      if (i >= 2) expect(res.headers['cache-control'], `answer ${i}`).toMatch(/no-store/);
    }
  });

  it('sends someone not logged in from the outbox to the login page, which goes back to it', async () => {
    const away = await request(app).get('/outbox').expect(303);
    expect(away.headers.location).toBe('/manage/login?next=%2Foutbox');
    const login = await request(app)
      .get(away.headers.location as string)
      .expect(200);
    expect(login.text).toContain('data-next="/outbox"');
    const advisor = await loginAs(users.advisor.username);
    const page = await advisor.get('/outbox').expect(200);
    expect(page.text).toContain('<h1>Outbox</h1>');
  });

  it('masks live links on the outbox like linking codes, and never hands out claim tokens', async () => {
    const { customer } = await gasCustomer(stores);
    const advisor = await loginAs(users.advisor.username);
    const booked = await advisor
      .post('/api/appointments')
      .send({ customerId: customer.id, topic: 'billing', locale: 'it-IT', startsAt: '2026-03-24T09:35:00Z' })
      .expect(201);
    const tokens = Object.values(booked.body.links as Record<string, { token: string }>).map((l) => l.token);
    // A payment link too: its page shows what the customer owes.
    const call = await stores.interactions.record({
      customerId: customer.id,
      channel: 'call_centre',
      touchpoint: 'agent',
      direction: 'inbound',
      reason: 'payment',
      startedAt: now,
      outcome: 'resolved',
    });
    const paying = await advisor
      .post(`/api/customers/${customer.id}/payment-link`)
      .send({ fromInteractionId: call.id })
      .expect(201);
    tokens.push(new URL(paying.body.url).pathname.split('/').pop() as string);
    // One of the confirmations is being sent right now: claimed, with a claim token.
    const claimed = await stores.outbox.claimDue(now, 1, 60_000);
    expect(claimed[0]?.claimToken).toBeTruthy();
    const page = await advisor.get('/outbox').expect(200);
    const api = await advisor.get(`/api/outbox?customerId=${customer.id}`).expect(200);
    expect(api.body.length).toBeGreaterThan(0);
    for (const token of tokens) {
      expect(page.text).not.toContain(token);
      expect(JSON.stringify(api.body)).not.toContain(token);
    }
    expect(page.text).toMatch(/\/join\/•+/);
    expect(page.text).toMatch(/\/pay\/•+/);
    for (const message of api.body) expect(message).not.toHaveProperty('claimToken');
  });
});
