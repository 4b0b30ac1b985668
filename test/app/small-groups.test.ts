import { describe, expect, it, vi } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { Express } from 'express';
import type { Stores } from '../../core/index.ts';
import { fixedClock, gasCustomer, staffUsers } from '../support/fixtures.ts';
import { loggedInAgent } from '../support/staff-login.ts';
import { withStaffApp } from '../support/staff-app.ts';

// A pilot manager works on aggregates: no figure they see may be about one customer, and no
// answer tells them whether an id is a customer's. The default minimum group (20) applies.

let app: Express;
let stores: Stores;
let users: Awaited<ReturnType<typeof staffUsers>>;

withStaffApp(fixedClock, (opened) => {
  ({ app, stores, users } = opened);
});

const loginAs = (username: string) => loggedInAgent(app, username);

const onePersonPilot = (code: string, customerId: string) => ({
  code,
  name: 'Video for one',
  channel: 'voice_assistant',
  touchpoints: ['alexa'],
  reasons: ['bill_explanation'],
  startsOn: '2026-03-01',
  endsOn: '2026-04-30',
  cohort: { segments: [], customerIds: [customerId], rolloutPercent: 0, controlPercent: 0 },
});

describe('figures about fewer customers than the minimum', () => {
  it('withholds a one-customer pilot’s report from a pilot manager, and shows it to an admin', async () => {
    const { customer } = await gasCustomer(stores);
    await stores.interactions.record({
      customerId: customer.id,
      channel: 'voice_assistant',
      touchpoint: 'alexa',
      direction: 'inbound',
      reason: 'bill_explanation',
      startedAt: '2026-03-05T18:30:00+01:00',
      outcome: 'resolved',
    });
    const manager = await loginAs(users.manager.username);
    await manager.post('/api/pilots').send(onePersonPilot('just_giulia', customer.id)).expect(201);
    await manager.post('/api/pilots/just_giulia/status').send({ status: 'running' }).expect(200);
    const admin = await loginAs(users.admin.username);
    await vi.waitFor(
      async () =>
        expect((await admin.get('/api/pilots/just_giulia/report').expect(200)).body.status).toBe('ready'),
      { timeout: 20_000, interval: 100 },
    );
    const full = (await admin.get('/api/pilots/just_giulia/report').expect(200)).body;
    expect(full.result.metrics.contacts).toBe(1);
    const refused = await manager.get('/api/pilots/just_giulia/report');
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toMatch(/fewer than 20 customers/);
    expect(JSON.stringify(refused.body)).not.toMatch(/contacts"?:\s*1/);
    // The page still shows the pilot and lets it be managed; only the figures are withheld.
    const page = await manager.get('/manage/pilots/just_giulia');
    expect(page.status).toBe(200);
    expect(page.text).toMatch(
      /Figures withheld:<\/strong> this pilot(&#39;|')s pilot arm has fewer than 20 customers/,
    );
    expect(page.text).toMatch(/data-to="paused"/);
    expect(page.text).not.toMatch(/Download this report/);
    expect(page.text).not.toContain(customer.lastName);
    expect((await manager.get('/manage/pilots/just_giulia/report.html')).status).toBe(403);
  });

  it('counts no small cohort out to a pilot manager, and refuses to name an id nobody has', async () => {
    const { customer } = await gasCustomer(stores);
    const manager = await loginAs(users.manager.username);
    await manager.post('/api/pilots').send(onePersonPilot('named_real', customer.id)).expect(201);
    const read = await manager.get('/api/pilots/named_real').expect(200);
    expect(read.body.enrolled).toEqual({ pilot: null, control: null, explicit: null, invited: null });
    // An id that is nobody's would enrol nobody: the definition says so instead of storing it.
    const ghost = randomUUID();
    const refused = await manager.post('/api/pilots').send(onePersonPilot('named_ghost', ghost));
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([
      { path: 'cohort.customerIds.0', message: `no customer has the id ${ghost}` },
    ]);
    expect(await stores.pilots.pilot('named_ghost')).toBeUndefined();
  });

  it('withholds from a pilot manager a census of fewer customers, on the API and the page, and shows it to an admin', async () => {
    // A reason nobody else calls about, on a day of its own: three customers' contacts.
    for (let i = 0; i < 3; i++) {
      const { customer } = await gasCustomer(stores);
      await stores.interactions.record({
        customerId: customer.id,
        channel: 'call_centre',
        touchpoint: 'ivr',
        direction: 'inbound',
        reason: 'meter_reading',
        startedAt: `2026-02-1${i}T10:00:00+01:00`,
        outcome: 'resolved',
      });
    }
    const query = 'from=2026-02-10&to=2026-02-12&reason=meter_reading';
    const manager = await loginAs(users.manager.username);
    const refused = await manager.get(`/api/census?${query}`);
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toMatch(/this census counts fewer than 20 customers/);
    expect(JSON.stringify(refused.body)).not.toMatch(/"contacts"/);
    const page = await manager.get(`/manage/census?${query}`);
    expect(page.status).toBe(403);
    expect(page.text).toMatch(/Figures withheld/);
    expect((await manager.get(`/manage/census.csv?table=channels&${query}`)).status).toBe(403);
    const admin = await loginAs(users.admin.username);
    const shown = await admin.get(`/api/census?${query}`).expect(200);
    expect(shown.body.result.totals).toMatchObject({ contacts: 3, customers: 3 });
  });
});
