import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import type { Express } from 'express';
import { pino } from 'pino';
import { composeApp } from '../../app/compose.ts';
import { answerClientErrors } from '../../app/server-lifecycle.ts';
import type { StorageHandle, Stores } from '../../core/index.ts';
import { openTestDatabase } from '../support/database.ts';
import { gasCustomer, officeHoursAdvisor, staffPassword, staffUsers } from '../support/fixtures.ts';
import { loggedInAgent } from '../support/staff-login.ts';

// What an outsider's audit and a fuzzer sent: every answer is a 4xx problem naming what is
// wrong, never a 500, and nothing already stored is lost. The real clock runs here.

let storage: StorageHandle;
let app: Express;
let stores: Stores;
let users: Awaited<ReturnType<typeof staffUsers>>;
let giulia: Awaited<ReturnType<typeof gasCustomer>>;

beforeAll(async () => {
  storage = await openTestDatabase();
  const composed = await composeApp({
    storage,
    config: { PUBLIC_URL: 'http://localhost:3000', SESSION_TTL_HOURS: 1, COOKIE_SECURE: false },
    logger: pino({ level: 'silent' }),
  });
  ({ app, stores } = composed);
  users = await staffUsers(stores);
  giulia = await gasCustomer(stores);
});

afterAll(async () => {
  await storage?.close();
});

const loginAs = (username: string) => loggedInAgent(app, username);

function isProblem(res: request.Response, status: number) {
  expect(res.status, res.text).toBe(status);
  expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
  expect(res.body).toMatchObject({ status });
  return res.body as { detail: string; errors?: { path: string; message: string }[] };
}

describe('the login lockout under parallel guessing', () => {
  it('checks at most ten of a hundred wrong passwords sent at once, then refuses even the right one', async () => {
    const user = await stores.staff.addUser({
      username: 'parallel-target',
      displayName: 'Target',
      role: 'advisor',
      password: staffPassword,
    });
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        request(app)
          .post('/api/auth/login')
          .send({ username: user.username, password: `guess number ${i}` }),
      ),
    );
    const statuses = answers.map((res) => res.status);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(10);
    expect(statuses.filter((s) => s !== 401 && s !== 429)).toEqual([]);
    const failures = await storage.db
      .selectFrom('login_failures')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('username', '=', user.username)
      .executeTakeFirstOrThrow();
    expect(Number(failures.n)).toBe(10);
    await request(app)
      .post('/api/auth/login')
      .send({ username: user.username, password: staffPassword })
      .expect(429);
  });
});

describe('parallel logins with the right password', () => {
  it('let all of 60 sent at once in, counting none of them as failed', async () => {
    const user = await stores.staff.addUser({
      username: 'busy-shared-login',
      displayName: 'Shared',
      role: 'advisor',
      password: staffPassword,
    });
    const answers = await Promise.all(
      Array.from({ length: 60 }, () =>
        request(app).post('/api/auth/login').send({ username: user.username, password: staffPassword }),
      ),
    );
    expect(answers.map((res) => res.status)).toEqual(answers.map(() => 200));
    const failures = await storage.db
      .selectFrom('login_failures')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('username', '=', user.username)
      .executeTakeFirstOrThrow();
    expect(Number(failures.n)).toBe(0);
  });
});

describe('requests from nobody', () => {
  it('answers 400 to a malformed percent-encoding in a path or a query, on a page and in the API', async () => {
    for (const path of ['/join/%E0%A4%A', '/api/customers/%E0%A4%A', '/api/links/join/%E0%A4%A/access']) {
      const problem = isProblem(await request(app).get(path), 400);
      expect(problem.detail).toBe('the path has a malformed percent-encoding');
    }
    // In a query the parser would keep %ZZ as it is, or drop %C3 alone: a search for nothing.
    for (const path of [
      '/api/customers?q=%ZZrossi',
      '/api/customers?q=%C3',
      '/api/customers?limit=5&q=ros%E0%A4si',
      '/manage/census?segment=%E0%A4%A',
      '/login?next=%',
    ]) {
      const problem = isProblem(await request(app).get(path), 400);
      expect(problem.detail).toBe('the query has a malformed percent-encoding');
    }
  });

  it('answers 413 to a body over the limit, naming the limit', async () => {
    const problem = isProblem(
      await request(app)
        .post('/api/auth/login')
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ username: 'x'.repeat(3 * 1024 * 1024), password: 'p' })),
      413,
    );
    expect(problem.detail).toBe('the request body is larger than the 1 MB this route takes');
  });

  it('answers 400 to a NUL character in a path before the database sees it, on pages and in the API', async () => {
    for (const path of ['/manage/pilots/%00', '/join/abc%00def', '/b/%00', '/api/customers/x%00y/context']) {
      const problem = isProblem(await request(app).get(path), 400);
      expect(problem.detail).toBe('the path contains a NUL character (%00)');
      expect(JSON.stringify(problem)).not.toMatch(/SQLSTATE/);
    }
  });

  it('answers 4xx to a body declared gzip or br that is not compressed', async () => {
    for (const encoding of ['gzip', 'br']) {
      const res = await request(app)
        .post('/api/auth/login')
        .set('Content-Type', 'application/json')
        .set('Content-Encoding', encoding)
        .send(JSON.stringify({ username: 'someone', password: 'something secret' }));
      const problem = isProblem(res, 400);
      expect(problem.detail).toMatch(new RegExp(encoding === 'gzip' ? 'gzip' : 'br'));
    }
  });

  it('still reads a body that really is gzip-compressed', async () => {
    // supertest would serialize a Buffer as JSON: a real client sends the bytes.
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const { port } = server.address() as { port: number };
      const res = await fetch(`http://127.0.0.1:${port}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
        body: gzipSync(JSON.stringify({ username: users.advisor.username, password: staffPassword })),
      });
      expect(res.status, await res.text()).toBe(200);
    } finally {
      server.close();
    }
  });

  it('answers 431 problem+json to an address too long for the server, not an empty body', async () => {
    const server = app.listen(0, '127.0.0.1');
    answerClientErrors(server);
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const { port } = server.address() as { port: number };
      const res = await fetch(`http://127.0.0.1:${port}/api/customers?q=${'%F0%97%AF%BA'.repeat(2000)}`);
      expect(res.status).toBe(431);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(await res.json()).toMatchObject({ status: 431, code: 'invalid_input' });
    } finally {
      server.close();
    }
  });

  it('answers 400 naming the field to a NUL character in the login username', async () => {
    const res = await request(app)
      .post('/api/auth/login')
      .send({ username: 'admin\u0000', password: 'whatever it is' });
    const problem = isProblem(res, 400);
    expect(problem.errors).toContainEqual({ path: 'body.username', message: expect.stringMatching(/NUL/) });
  });
});

describe('requests from logged-in staff', () => {
  it('answers 400 naming the field to NUL characters in searches, ids, names, notes and details', async () => {
    const advisor = await loginAs(users.advisor.username);
    const admin = await loginAs(users.admin.username);
    const cases: [request.Test, string][] = [
      [advisor.get('/api/customers').query({ q: 'ros\u0000si' }), 'query.q'],
      [admin.get('/api/pilots/pilot%00one'), 'path'],
      [
        advisor.post('/api/customers').send({
          firstName: 'Anna\u0000',
          lastName: 'Neri',
          locale: 'it-IT',
          segment: 'family',
        }),
        'body.firstName',
      ],
      [
        advisor.post(`/api/appointments/${giulia.customer.id}/cancel`).send({ reason: 'non posso\u0000' }),
        'body.reason',
      ],
      [
        advisor.post('/api/interactions').send({
          customerId: giulia.customer.id,
          channel: 'call_centre',
          touchpoint: 'ivr',
          direction: 'inbound',
          reason: 'bill_explanation',
          startedAt: '2026-03-10T09:00:00+01:00',
          outcome: 'resolved',
          details: { note: 'bolletta\u0000alta' },
        }),
        'body.details.note',
      ],
    ];
    for (const [req, path] of cases) {
      const problem = isProblem(await req, 400);
      expect(problem.errors?.map((e) => e.path)).toContain(path);
    }
  });

  it('answers 400 naming the parameter to a query parameter given as an object or a list, on every route', async () => {
    const advisor = await loginAs(users.advisor.username);
    const manager = await loginAs(users.manager.username);
    const cases: [request.Test, string][] = [
      [advisor.get('/api/customers?q[a]=rossi'), 'query.q'],
      [advisor.get('/api/customers?q[]=rossi&q[]=neri'), 'query.q'],
      [manager.get('/api/census?from[x]=2026-01-01&to=2026-02-01'), 'query.from'],
    ];
    for (const [req, path] of cases) {
      const problem = isProblem(await req, 400);
      expect(problem.errors?.map((e) => e.path)).toEqual([path]);
      expect(problem.detail).toMatch(/must be one value \(\w+=…\)/);
    }
    // A parameter no route reads is none of its business, as before.
    await advisor.get('/api/customers?utm[source]=mail').expect(200);
  });

  it('answers 400 to a census of years no contact can fall in', async () => {
    const manager = await loginAs(users.manager.username);
    const far = isProblem(await manager.get('/api/census?from=9999-01-01&to=9999-03-10'), 400);
    expect(far.errors).toEqual([
      { path: 'query.from', message: 'must be between the years 1900 and 2199' },
      { path: 'query.to', message: 'must be between the years 1900 and 2199' },
    ]);
    await manager.get('/api/census?from=2026-01-01&to=2026-03-10').expect(200);
  });

  it('answers 400 to a body nested 150,000 deep on a route that reads no body, and does nothing', async () => {
    const admin = await loginAs(users.admin.username);
    const target = await stores.staff.addUser({
      username: 'deep-body-target',
      displayName: 'Target',
      role: 'advisor',
      password: staffPassword,
    });
    const deep = `${'{"a":'.repeat(150_000)}1${'}'.repeat(150_000)}`;
    const res = await admin
      .post(`/api/staff/${target.id}/disable`)
      .set('Content-Type', 'application/json')
      .send(deep);
    expect(isProblem(res, 400).detail).toMatch(/nests deeper than 32 levels/);
    expect((await stores.staff.find(target.id))?.disabledAt).toBeNull();
  });

  it('answers 400 to interaction details nested 5,000 deep and stores nothing', async () => {
    const advisor = await loginAs(users.advisor.username);
    // Written as text: JSON.stringify itself runs out of stack on such an object.
    const details = `${'{"level":'.repeat(5000)}{"leaf":true}${'}'.repeat(5000)}`;
    const res = await advisor
      .post('/api/interactions')
      .set('Content-Type', 'application/json')
      .send(
        `{"customerId":"${giulia.customer.id}","channel":"call_centre","touchpoint":"ivr",` +
          `"direction":"inbound","reason":"deep_details","startedAt":"2026-03-10T09:00:00+01:00",` +
          `"outcome":"resolved","details":${details}}`,
      );
    const problem = isProblem(res, 400);
    expect(problem.errors?.[0]).toMatchObject({ path: expect.stringMatching(/^body\.details\.level/) });
    expect(await stores.interactions.reasons()).not.toContain('deep_details');
  });

  it('answers 400 to a JSON body in Latin-1, not UTF-8, and stores nothing of it', async () => {
    // supertest would serialize a Buffer as JSON: a real client sends the bytes.
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const { port } = server.address() as { port: number };
      const login = await fetch(`http://127.0.0.1:${port}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: users.advisor.username, password: staffPassword }),
      });
      const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
      const post = (body: Buffer) =>
        fetch(`http://127.0.0.1:${port}/api/customers`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', cookie },
          body,
        });
      // A client that writes "Nicolò" in its own Windows encoding: the ò is the one byte F2.
      const text = '{"firstName":"Nicolò","lastName":"D\'Angelo","locale":"it-IT","segment":"senior"}';
      const before = (await stores.customers.search({ limit: 1, offset: 0 })).total;
      const refused = await post(Buffer.from(text, 'latin1'));
      expect(refused.status).toBe(400);
      expect(await refused.json()).toMatchObject({
        detail: 'the request body is not UTF-8 text',
        errors: [{ path: 'body', message: 'is not UTF-8 text' }],
      });
      expect((await stores.customers.search({ limit: 1, offset: 0 })).total).toBe(before);
      // The same in UTF-8 is stored as written.
      const stored = await post(Buffer.from(text, 'utf8'));
      expect(stored.status).toBe(201);
      expect(((await stored.json()) as { firstName: string }).firstName).toBe('Nicolò');
    } finally {
      server.close();
    }
  });

  it('answers 400 to dates outside what the database holds and to impossible calendar dates', async () => {
    const advisor = await loginAs(users.advisor.username);
    const before = await advisor
      .get(`/api/customers/${giulia.customer.id}/interactions`)
      .query({ before: '-271821-04-20T00:00:00.000Z' });
    expect(isProblem(before, 400).errors?.map((e) => e.path)).toContain('query.before');
    const contact = (startedAt: string) =>
      advisor.post('/api/interactions').send({
        customerId: giulia.customer.id,
        channel: 'call_centre',
        touchpoint: 'ivr',
        direction: 'inbound',
        reason: 'far_future',
        startedAt,
        outcome: 'resolved',
      });
    for (const startedAt of ['+200000-01-01T00:00:00Z', '2026-02-30T10:00:00+01:00']) {
      expect(isProblem(await contact(startedAt), 400).errors?.map((e) => e.path)).toContain('body.startedAt');
    }
    const booking = await advisor.post('/api/appointments').send({
      customerId: giulia.customer.id,
      topic: 'billing',
      locale: 'it-IT',
      startsAt: '2026-02-30T10:00:00+01:00',
    });
    expect(isProblem(booking, 400).errors?.map((e) => e.path)).toContain('body.startsAt');
    expect(await stores.interactions.reasons()).not.toContain('far_future');
  });

  it('answers 400 to a contact on a touchpoint its channel does not have', async () => {
    const advisor = await loginAs(users.advisor.username);
    const res = await advisor.post('/api/interactions').send({
      customerId: giulia.customer.id,
      channel: 'call_centre',
      touchpoint: 'carrier_pigeon',
      direction: 'inbound',
      reason: 'bill_explanation',
      startedAt: '2026-03-10T09:00:00+01:00',
      outcome: 'resolved',
    });
    const problem = isProblem(res, 400);
    expect(problem.errors).toContainEqual({
      path: 'body.touchpoint',
      message: expect.stringMatching(/call_centre/),
    });
  });

  it('answers 400 to hours of a day that end before they start', async () => {
    const admin = await loginAs(users.admin.username);
    const advisor = await officeHoursAdvisor(stores, { name: 'Paola Conti' });
    const res = await admin
      .put(`/api/advisors/${advisor.id}/overrides/2026-04-02`)
      .send({ hours: [{ start: '15:00', end: '09:00' }], reason: 'dentista' });
    expect(isProblem(res, 400).errors?.map((e) => e.path)).toContain('body.hours.0.end');
    expect(await stores.appointments.overrides([advisor.id], '2026-04-01', '2026-04-03')).toEqual([]);
  });

  it('rejects an imported row with a NUL character by its line, and imports the others', async () => {
    const manager = await loginAs(users.manager.username);
    const rows = [
      { external_id: 'nul-1', note: 'plain' },
      { external_id: 'nul-2', note: 'broken\u0000text' },
      { external_id: 'nul-3', note: 'plain again' },
    ].map(({ external_id, note }) =>
      JSON.stringify({
        external_id,
        customer_id: giulia.customer.id,
        channel: 'call_centre',
        touchpoint: 'ivr',
        direction: 'inbound',
        reason: 'bill_explanation',
        started_at: '2026-03-09T10:00:00+01:00',
        outcome: 'resolved',
        details: { note },
      }),
    );
    const res = await manager
      .post('/api/imports/interactions?source=nul_check')
      .set('Content-Type', 'application/x-ndjson')
      .send(rows.join('\n'));
    expect(res.status, res.text).toBe(200);
    expect(res.body.summary).toMatchObject({ read: 3, imported: 2, rejected: 1 });
    expect(res.body.summary.rejections).toEqual([
      { line: 2, reason: 'details.note: contains a NUL character (\\u0000), which cannot be stored' },
    ]);
    expect(await stores.interactions.fromSource('nul_check', 'nul-3')).toBeDefined();

    // In a CSV export the details are JSON text, whose escape makes the NUL.
    const csv = await manager
      .post('/api/imports/interactions?source=nul_check_csv')
      .set('Content-Type', 'text/csv')
      .send(
        'external_id,customer_id,channel,touchpoint,direction,reason,started_at,outcome,details\n' +
          `nul-4,${giulia.customer.id},call_centre,ivr,inbound,bill_explanation,2026-03-09T10:00:00+01:00,resolved,"{""note"":""a\\u0000b""}"\n`,
      );
    expect(csv.status, csv.text).toBe(200);
    expect(csv.body.summary.rejections).toEqual([
      { line: 2, reason: 'details.note: contains a NUL character (\\u0000), which cannot be stored' },
    ]);
  });
});
