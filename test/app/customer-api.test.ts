import { describe, expect, it } from 'vitest';
import request from 'supertest';
import type { Express } from 'express';
import type { z } from 'zod';
import type { Stores } from '../../core/index.ts';
import { fixedClock, gasCustomer, staffPassword, staffUsers } from '../support/fixtures.ts';
import { loggedInAgent } from '../support/staff-login.ts';
import { withStaffApp } from '../support/staff-app.ts';

let app: Express;
let stores: Stores;
let responses: Map<string, z.ZodType>;
let users: Awaited<ReturnType<typeof staffUsers>>;
let giulia: Awaited<ReturnType<typeof gasCustomer>>;

withStaffApp(fixedClock, async (opened) => {
  ({ app, stores, responses, users } = opened);
  giulia = await gasCustomer(stores);
});

const loginAs = (username: string) => loggedInAgent(app, username);

/** The answer must match what the OpenAPI document promises for that route. */
function conforms(route: string, body: unknown) {
  const schema = responses.get(route);
  expect(schema, `no response schema for ${route}`).toBeDefined();
  const result = (schema as z.ZodType).safeParse(body);
  expect(result.success ? [] : result.error.issues).toEqual([]);
}

describe('staff login', () => {
  it('sets an HttpOnly, SameSite session cookie and tells who is logged in', async () => {
    const res = await request(app)
      .post('/api/auth/login')
      .send({ username: users.advisor.username, password: staffPassword })
      .expect(200);
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/cp_session=[\w-]{40,}/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const agent = await loginAs(users.advisor.username);
    const me = await agent.get('/api/auth/me').expect(200);
    expect(me.body).toMatchObject({ username: users.advisor.username, role: 'advisor' });
  });

  it('refuses a wrong password with 401 and no cookie', async () => {
    const res = await request(app)
      .post('/api/auth/login')
      .send({ username: users.advisor.username, password: 'not the password at all' })
      .expect(401);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.body).toMatchObject({ status: 401, code: 'unauthenticated' });
  });

  it('refuses further logins for a username after ten failures, even with the right password', async () => {
    const user = await stores.staff.addUser({
      username: 'guessed-user',
      displayName: 'G',
      role: 'advisor',
      password: staffPassword,
    });
    for (let i = 0; i < 10; i++) {
      await request(app)
        .post('/api/auth/login')
        .send({ username: user.username, password: `wrong guess ${i}` })
        .expect(401);
    }
    const blocked = await request(app)
      .post('/api/auth/login')
      .send({ username: user.username, password: staffPassword })
      .expect(429);
    expect(blocked.body).toMatchObject({ code: 'rate_limited', title: 'Too Many Requests' });
    await request(app)
      .post('/api/auth/login')
      .send({ username: users.admin.username, password: staffPassword })
      .expect(200);
  });

  it('ends the session on logout, so the cookie no longer opens customer data', async () => {
    const agent = await loginAs(users.advisor.username);
    await agent.get(`/api/customers/${giulia.customer.id}`).expect(200);
    await agent.post('/api/auth/logout').send({}).expect(204);
    await agent.get(`/api/customers/${giulia.customer.id}`).expect(401);
  });
});

describe('customer context', () => {
  it('answers 401 problem+json to a request without a session', async () => {
    const res = await request(app).get(`/api/customers/${giulia.customer.id}/context`).expect(401);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 401, code: 'unauthenticated', title: 'Unauthorized' });
  });

  it('answers 403 to a pilot manager, who works on aggregates only', async () => {
    const agent = await loginAs(users.manager.username);
    const res = await agent.get(`/api/customers/${giulia.customer.id}/context`).expect(403);
    expect(res.body.detail).toMatch(/pilot_manager/);
  });

  it('gives an advisor profile, balance, open bills with their comparison, payments and contacts in one call', async () => {
    const earlier = await stores.interactions.record({
      customerId: giulia.customer.id,
      channel: 'web',
      touchpoint: 'self_service',
      direction: 'inbound',
      reason: 'bill_explanation',
      startedAt: '2026-03-08T20:00:00+01:00',
      outcome: 'abandoned',
    });
    await stores.interactions.record({
      customerId: giulia.customer.id,
      channel: 'call_centre',
      touchpoint: 'agent',
      direction: 'inbound',
      reason: 'bill_explanation',
      startedAt: '2026-03-09T09:15:00+01:00',
      endedAt: '2026-03-09T09:22:00+01:00',
      outcome: 'resolved',
    });
    const agent = await loginAs(users.advisor.username);
    const res = await agent.get(`/api/customers/${giulia.customer.id}/context`).expect(200);
    conforms('GET /api/customers/{id}/context', res.body);
    const ctx = res.body;
    expect(ctx.profile.id).toBe(giulia.customer.id);
    expect(ctx.reachableMedia).toEqual(['sms', 'email']);
    expect(ctx.accounts.map((a: { number: string }) => a.number)).toEqual([giulia.account.number]);
    expect(ctx.balance).toMatchObject({
      owedCents: giulia.current.amountCents,
      overdueCents: 0,
      nextDue: { dueOn: '2026-03-25', amountCents: giulia.current.amountCents },
    });
    expect(ctx.openBills).toHaveLength(1);
    const [open] = ctx.openBills;
    expect(open).toMatchObject({ id: giulia.current.id, status: 'unpaid' });
    expect(open.comparison.direction).toBe('higher');
    expect(open.comparison.against).toEqual({ previous: giulia.previous.id, yearAgo: giulia.yearAgo.id });
    expect(open.comparison.lines[0]).toMatchObject({ code: 'energy', vsPrevious: { delta: 14500 } });
    expect(open.comparison.consumption).toMatchObject({
      unit: 'Smc',
      vsPrevious: { delta: 100 },
      vsYearAgo: { delta: 50 },
    });
    expect(ctx.recentPayments).toHaveLength(2);
    const [latest, first] = ctx.recentInteractions;
    expect(latest.channel).toBe('call_centre');
    expect(first.id).toBe(earlier.id);
    expect(latest.journeyId).toBe(first.journeyId);
    expect(latest.journeyStep).toBe(2);
  });

  it('names the malformed id in a 400', async () => {
    const agent = await loginAs(users.advisor.username);
    const res = await agent.get('/api/customers/not-a-uuid/context').expect(400);
    expect(res.body.errors).toEqual([{ path: 'path.id', message: 'must be a UUID' }]);
  });

  it('answers 404 naming an unknown customer', async () => {
    const agent = await loginAs(users.advisor.username);
    const id = '00000000-0000-4000-8000-000000000000';
    const res = await agent.get(`/api/customers/${id}/context`).expect(404);
    expect(res.body).toMatchObject({ code: 'not_found', detail: `customer ${id} does not exist` });
  });
});

describe('customer records', () => {
  it('finds customers by name and by account number', async () => {
    const agent = await loginAs(users.advisor.username);
    const byName = await agent
      .get('/api/customers')
      .query({ q: giulia.customer.lastName.toUpperCase() })
      .expect(200);
    conforms('GET /api/customers', byName.body);
    expect(byName.body.items.map((c: { id: string }) => c.id)).toEqual([giulia.customer.id]);
    const byAccount = await agent.get('/api/customers').query({ q: giulia.account.number }).expect(200);
    expect(byAccount.body.total).toBe(1);
  });

  it('finds a customer by several words typed without their accents, in any case, and by the code their CRM knows them by', async () => {
    const [pieta] = await stores.customers.createMany([
      {
        firstName: 'Niccolò',
        lastName: 'Della Pietà',
        locale: 'it-IT',
        segment: 'senior',
        phone: '+393471234567',
        reference: { source: 'crm_search', ref: 'CL000008' },
      },
    ]);
    await stores.customers.createMany([
      {
        firstName: 'Nicola',
        lastName: 'Pietro',
        locale: 'it-IT',
        segment: 'family',
        reference: { source: 'crm_search', ref: 'CL000009' },
      },
    ]);
    const agent = await loginAs(users.advisor.username);
    for (const q of [
      'della pieta',
      'DELLA PIETÀ',
      'niccolo della',
      'Pietà Niccolò',
      'cl000008',
      'CL000008',
    ]) {
      const found = await agent.get('/api/customers').query({ q }).expect(200);
      expect(
        found.body.items.map((c: { id: string }) => c.id),
        q,
      ).toEqual([pieta?.id]);
    }
    // A code is matched whole: a part of it finds nobody by code.
    expect((await agent.get('/api/customers').query({ q: 'CL00000' }).expect(200)).body.total).toBe(0);
  });

  it('lists every bad field of a new customer and stores nothing', async () => {
    const agent = await loginAs(users.advisor.username);
    const before = (await stores.customers.search({ limit: 1, offset: 0 })).total;
    const res = await agent
      .post('/api/customers')
      .send({ firstName: '', lastName: 'Bianchi', locale: 'fr-FR', phone: '3331234567', segment: 'family' })
      .expect(400);
    const paths = res.body.errors.map((e: { path: string }) => e.path).sort();
    expect(paths).toEqual(['body.firstName', 'body.locale', 'body.phone']);
    expect((await stores.customers.search({ limit: 1, offset: 0 })).total).toBe(before);
  });

  it('creates a customer with consents, only for roles that may write', async () => {
    const body = {
      firstName: 'John',
      lastName: 'Smith',
      locale: 'en-US',
      email: 'john.smith@example.com',
      segment: 'residential',
      consents: [
        { purpose: 'data_processing', granted: true, givenAt: '2026-03-01T10:00:00Z', source: 'shop' },
      ],
    };
    const manager = await loginAs(users.manager.username);
    await manager.post('/api/customers').send(body).expect(403);
    const advisor = await loginAs(users.advisor.username);
    const res = await advisor.post('/api/customers').send(body).expect(201);
    conforms('POST /api/customers', res.body);
    const consents = await advisor.get(`/api/customers/${res.body.id}/consents`).expect(200);
    expect(consents.body).toHaveLength(1);
  });

  it('answers 400 to a body that is not JSON', async () => {
    const agent = await loginAs(users.advisor.username);
    const res = await agent
      .post('/api/customers')
      .set('Content-Type', 'application/json')
      .send('{"firstName":')
      .expect(400);
    expect(res.body.detail).toMatch(/not valid JSON/);
  });

  it('answers 400, saying the body must be an object, to JSON that is not an object, and stores nothing', async () => {
    const agent = await loginAs(users.advisor.username);
    const before = (await stores.customers.search({ limit: 1, offset: 0 })).total;
    const kinds = { null: 'null', '"Giulia Bianchi"': 'a string', '42': 'a number', true: 'a boolean' };
    for (const [text, kind] of Object.entries(kinds)) {
      const res = await agent.post('/api/customers').set('Content-Type', 'application/json').send(text);
      expect(res.status, text).toBe(400);
      expect(res.body).toMatchObject({
        code: 'invalid_input',
        detail: `the request body must be a JSON object, not ${kind}`,
        errors: [{ path: 'body', message: 'must be a JSON object' }],
      });
    }
    const list = await agent
      .post('/api/customers')
      .send([{ firstName: 'Giulia', lastName: 'Bianchi', locale: 'it-IT', segment: 'residential' }]);
    expect(list.status).toBe(400);
    expect(list.body.detail).toBe('the request body must be a JSON object, not an array');
    // A route that takes no body asks for {} all the same; a login with an array is no login.
    const logout = await agent.post('/api/auth/logout').send([]);
    expect(logout.status).toBe(400);
    expect(logout.body.detail).toBe('the request body must be a JSON object, not an array');
    await agent.get('/api/auth/me').expect(200);
    const login = await request(app)
      .post('/api/auth/login')
      .set('Content-Type', 'application/json')
      .send('null');
    expect(login.status).toBe(400);
    expect(login.body.detail).toBe('the request body must be a JSON object, not null');
    expect((await stores.customers.search({ limit: 1, offset: 0 })).total).toBe(before);
  });

  it('shows a bill with its comparison', async () => {
    const agent = await loginAs(users.advisor.username);
    const res = await agent.get(`/api/bills/${giulia.current.id}`).expect(200);
    conforms('GET /api/bills/{id}', res.body);
    expect(res.body.comparison.amount.vsPrevious.delta).toBe(
      giulia.current.amountCents - giulia.previous.amountCents,
    );
  });
});

describe('contacts and surveys', () => {
  it('records a contact on an existing channel and refuses an unknown channel', async () => {
    const agent = await loginAs(users.advisor.username);
    const contact = {
      customerId: giulia.customer.id,
      channel: 'shop',
      touchpoint: 'counter',
      direction: 'inbound',
      reason: 'contract_change',
      startedAt: '2026-03-10T11:00:00+01:00',
      outcome: 'resolved',
    };
    const res = await agent.post('/api/interactions').send(contact).expect(201);
    conforms('POST /api/interactions', res.body);
    const journey = await agent.get(`/api/journeys/${res.body.journeyId}`).expect(200);
    expect(journey.body).toHaveLength(1);
    const unknown = await agent
      .post('/api/interactions')
      .send({ ...contact, channel: 'carrier_pigeon' })
      .expect(404);
    expect(unknown.body.detail).toMatch(/channel carrier_pigeon/);
  });

  it('stores an NPS answer and refuses a score off the scale, naming it', async () => {
    const [contact] = await stores.interactions.forCustomer(giulia.customer.id, { limit: 1 });
    const agent = await loginAs(users.advisor.username);
    const bad = await agent
      .post(`/api/interactions/${contact?.id}/survey-answers`)
      .send({ metric: 'nps', score: 11 })
      .expect(400);
    expect(bad.body.errors).toEqual([{ path: 'body.score', message: 'nps is scored 0 to 10' }]);
    const ok = await agent
      .post(`/api/interactions/${contact?.id}/survey-answers`)
      .send({ metric: 'nps', score: 9 })
      .expect(201);
    conforms('POST /api/interactions/{id}/survey-answers', ok.body);
    await agent
      .post(`/api/interactions/${contact?.id}/survey-answers`)
      .send({ metric: 'nps', score: 3 })
      .expect(409);
  });
});

describe('service endpoints', () => {
  it('describes every route in an OpenAPI 3.1 document', async () => {
    const res = await request(app).get('/api/openapi.json').expect(200);
    expect(res.body.openapi).toBe('3.1.0');
    const documented = Object.entries(res.body.paths as Record<string, object>).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    // Every declared API route, beside the pages and webhooks (test/app/openapi-coverage.test.ts).
    expect(documented).toEqual(expect.arrayContaining([...responses.keys()]));
    expect(res.body.components.schemas.CustomerContext).toBeDefined();
  });

  it('reports health and readiness', async () => {
    await request(app).get('/healthz').expect(200, { status: 'ok' });
    const ready = await request(app).get('/readyz').expect(200);
    expect(ready.body).toMatchObject({ status: 'ready', database: 'up' });
  });

  it('answers unknown routes with a problem document', async () => {
    const res = await request(app).get('/api/nothing-here').expect(404);
    expect(res.body.code).toBe('not_found');
  });
});
