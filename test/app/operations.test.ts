import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import type { Express } from 'express';
import { pino } from 'pino';
import { composeApp } from '../../app/compose.ts';
import { sitePages } from '../../app/web/landing-page.ts';
import type { StorageHandle, Stores } from '../../core/index.ts';
import { openTestDatabase } from '../support/database.ts';
import { gasCustomer, staffPassword, staffUsers } from '../support/fixtures.ts';

// What an operator runs it with: a landing page, metrics behind a token, access logs with
// request ids, and staff logins they can list, disable and reset. The real clock runs here.

const METRICS_TOKEN = 'scrape-me-with-this-token-0123456789';
let storage: StorageHandle;
let app: Express;
let stores: Stores;
let users: Awaited<ReturnType<typeof staffUsers>>;
const logLines: Record<string, unknown>[] = [];

beforeAll(async () => {
  storage = await openTestDatabase();
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) logLines.push(JSON.parse(line));
      done();
    },
  });
  ({ app, stores } = await composeApp({
    storage,
    config: {
      PUBLIC_URL: 'http://localhost:3000',
      SESSION_TTL_HOURS: 1,
      COOKIE_SECURE: false,
      METRICS_TOKEN,
    },
    logger: pino({ level: 'info' }, sink),
  }));
  users = await staffUsers(stores);
});

afterAll(async () => {
  await storage?.close();
});

async function loginAs(username: string, password = staffPassword) {
  const agent = request.agent(app);
  await agent.post('/api/auth/login').send({ username, password }).expect(200);
  return agent;
}

describe('the landing page', () => {
  it('links every page, each of which answers', async () => {
    const res = await request(app).get('/').expect(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    for (const page of sitePages) {
      expect(res.text).toContain(`href="${page.path}"`);
      const answer = await request(app).get(page.path);
      // Pages for staff send strangers to the login; metrics ask for their token.
      expect([200, 303, 401], `${page.path} answered ${answer.status}`).toContain(answer.status);
    }
  });

  it('names, for each staff page, the roles that can open it', async () => {
    const said = { advisor: 'advisors', manager: 'pilot managers', admin: 'admins' } as const;
    const agents = await Promise.all(
      (['advisor', 'manager', 'admin'] as const).map(async (role) => ({
        role,
        agent: await loginAs(users[role].username),
      })),
    );
    let staffPages = 0;
    for (const page of sitePages) {
      const stranger = await request(app).get(page.path).redirects(0);
      if (![303, 401].includes(stranger.status) || page.path === '/metrics') continue;
      staffPages++;
      const opened: string[] = [];
      for (const { role, agent } of agents) {
        const res = await agent.get(page.path).redirects(0);
        expect([200, 303, 403], `${page.path} answered ${role} ${res.status}`).toContain(res.status);
        if (res.status === 200) opened.push(said[role]);
      }
      const names = opened.length > 1 ? `${opened.slice(0, -1).join(', ')} and ${opened.at(-1)}` : opened[0];
      expect(page.who, page.path).toBe(names);
    }
    expect(staffPages).toBe(4);
    // The outbox shows individual customers' addresses and messages: not for pilot managers.
    expect(sitePages.find((p) => p.path === '/outbox')?.who).toBe('advisors and admins');
  });

  it('links no /metrics without a METRICS_TOKEN, and says how to turn them on', async () => {
    const { app: plain } = await composeApp({
      storage,
      config: { PUBLIC_URL: 'http://localhost:3000', SESSION_TTL_HOURS: 1, COOKIE_SECURE: false },
      logger: pino({ level: 'silent' }),
    });
    const res = await request(plain).get('/').expect(200);
    expect(res.text).not.toContain('href="/metrics"');
    expect(res.text).toContain('Metrics: not served: set METRICS_TOKEN to serve /metrics to Prometheus.');
    for (const page of sitePages.filter((p) => p.path !== '/metrics')) {
      expect(res.text).toContain(`href="${page.path}"`);
      expect((await request(plain).get(page.path)).status, page.path).not.toBe(404);
    }
    await request(plain).get('/metrics').expect(404);
  });
});

describe('metrics', () => {
  it('are refused without the token and give request, database, outbox and analysis figures with it', async () => {
    const { customer } = await gasCustomer(stores);
    const advisor = await loginAs(users.advisor.username);
    await advisor.get(`/api/customers/${customer.id}`).expect(200);
    await request(app).get('/metrics').expect(401);
    await request(app).get('/metrics').set('Authorization', 'Bearer not-the-token-at-all-0000').expect(401);
    const res = await request(app)
      .get('/metrics')
      .set('Authorization', `Bearer ${METRICS_TOKEN}`)
      .expect(200);
    expect(res.text).toMatch(
      /channel_pilot_http_request_duration_seconds_count\{method="GET",route="\/api\/customers\/:id",status="200"\} 1/,
    );
    expect(res.text).toMatch(/channel_pilot_database_up 1/);
    expect(res.text).toMatch(/channel_pilot_database_connections\{state="active"\} [1-9]/);
    expect(res.text).toMatch(/channel_pilot_outbox_backlog\{status="pending"\} \d+/);
    expect(res.text).toMatch(/channel_pilot_analyses_running/);
    expect(res.text).toMatch(/channel_pilot_voice_turns_total/);
  });

  it('say whether the instance hears the database tell of changes', async () => {
    const scrape = async () =>
      (await request(app).get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`).expect(200)).text;
    await storage.broadcast.ready(); // as a server's start does
    expect(await scrape()).toMatch(/channel_pilot_change_notices_listening 1/);
    // Closed for good (a lost connection comes back within a second: test/core/told-caches.test.ts).
    await storage.broadcast.close();
    expect(await scrape()).toMatch(/channel_pilot_change_notices_listening 0/);
  });
});

describe('access logs', () => {
  it('log each request with its id, which the answer carries, and never a link’s token', async () => {
    const res = await request(app)
      .get('/join/join.secret-token-part.signature')
      .set('X-Request-Id', 'lb-7f3a');
    expect(res.headers['x-request-id']).toBe('lb-7f3a');
    const line = logLines.find((l) => (l.req as { id?: string } | undefined)?.id === 'lb-7f3a');
    expect(line).toMatchObject({ req: { method: 'GET', url: '/join/[redacted]' }, res: { statusCode: 404 } });
    expect(JSON.stringify(logLines)).not.toContain('secret-token-part');
    await request(app).get('/pay/pay.secret-payment-part.signature').set('X-Request-Id', 'lb-7f3b');
    const paid = logLines.find((l) => (l.req as { id?: string } | undefined)?.id === 'lb-7f3b');
    expect(paid).toMatchObject({ req: { url: '/pay/[redacted]' } });
    expect(JSON.stringify(logLines)).not.toContain('secret-payment-part');
    const fresh = await request(app).get('/healthz');
    expect(fresh.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('staff management', () => {
  it('lists the logins, disables one (ending its session) and resets a password, for admins only', async () => {
    const admin = await loginAs(users.admin.username);
    const advisor = await loginAs(users.advisor.username);
    await advisor.get('/api/staff').expect(403);
    const list = await admin.get('/api/staff').expect(200);
    expect(list.body.map((u: { username: string }) => u.username)).toContain(users.advisor.username);

    const leaving = await stores.staff.addUser({
      username: 'leaving.advisor',
      displayName: 'Leaving',
      role: 'advisor',
      password: staffPassword,
    });
    const theirs = await loginAs('leaving.advisor');
    await theirs.get('/api/auth/me').expect(200);
    const disabled = await admin.post(`/api/staff/${leaving.username}/disable`).send({}).expect(200);
    expect(disabled.body.disabledAt).not.toBeNull();
    await theirs.get('/api/auth/me').expect(401);
    await request(app)
      .post('/api/auth/login')
      .send({ username: 'leaving.advisor', password: staffPassword })
      .expect(401);

    const forgetful = await stores.staff.addUser({
      username: 'forgetful.manager',
      displayName: 'Forgetful',
      role: 'pilot_manager',
      password: staffPassword,
    });
    const before = await loginAs(forgetful.username);
    const reset = await admin.post(`/api/staff/${forgetful.id}/password`).send({}).expect(200);
    expect(reset.body.password).toMatch(/^[\w-]{20,}$/);
    await before.get('/api/auth/me').expect(401);
    await loginAs(forgetful.username, reset.body.password);
    await request(app)
      .post('/api/auth/login')
      .send({ username: forgetful.username, password: staffPassword })
      .expect(401);
    // An admin does not lock themselves out by mistake.
    await admin.post(`/api/staff/${users.admin.id}/disable`).send({}).expect(409);
  });

  it('refuses a new password for a disabled login, saying so, and enables it again with a new one', async () => {
    const admin = await loginAs(users.admin.username);
    const returning = await stores.staff.addUser({
      username: 'returning.advisor',
      displayName: 'Returning',
      role: 'advisor',
      password: staffPassword,
    });
    await admin.post(`/api/staff/${returning.id}/disable`).send({}).expect(200);
    const refused = await admin.post(`/api/staff/${returning.id}/password`).send({}).expect(409);
    expect(refused.body).toMatchObject({
      detail: 'staff login returning.advisor is disabled: it could not use a new password',
      hint: 'enable it again, which gives it a new password',
    });
    expect(refused.body.password).toBeUndefined();

    const enabled = await admin.post(`/api/staff/${returning.username}/enable`).send({}).expect(200);
    expect(enabled.body.user).toMatchObject({ username: 'returning.advisor', disabledAt: null });
    await request(app)
      .post('/api/auth/login')
      .send({ username: 'returning.advisor', password: staffPassword })
      .expect(401);
    await loginAs('returning.advisor', enabled.body.password);
    const again = await admin.post(`/api/staff/${returning.id}/enable`).send({}).expect(409);
    expect(again.body.detail).toBe('staff login returning.advisor is not disabled');
    await admin.post(`/api/staff/${users.admin.id}/enable`).send({}).expect(409);
  });
});
