import { describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { Express } from 'express';
import { systemClock, type StorageHandle, type Stores } from '../../core/index.ts';
import { withStaffApp } from '../support/staff-app.ts';
import { gasCustomer, staffUsers } from '../support/fixtures.ts';
import { loggedInAgent } from '../support/staff-login.ts';

// A record made twice is refused as a conflict said in the product's words — the thing and the
// value the user gave — never in PostgreSQL's ("Key (email)=(…) already exists."), and the
// first record stands as it was. Real clock.

let storage: StorageHandle;
let app: Express;
let stores: Stores;
let users: Awaited<ReturnType<typeof staffUsers>>;

withStaffApp(systemClock, (opened) => {
  ({ storage, app, stores, users } = opened);
});

function conflict(res: request.Response) {
  expect(res.status, res.text).toBe(409);
  const body = res.body as { detail: string; hint?: string; errors?: { path: string; message: string }[] };
  expect(JSON.stringify(body)).not.toMatch(/Key \(|\)=\(|violates|constraint|_key\b|_pkey\b/);
  return body;
}

const advisor = (name: string, email: string) => ({
  name,
  email,
  languages: ['it-IT'],
  topics: ['billing'],
  timeZone: 'Europe/Rome',
});

describe('a record made twice', () => {
  it('refuses a second advisor with an e-mail another has, naming the e-mail, and keeps the first', async () => {
    const admin = await loggedInAgent(app, users.admin.username);
    const first = await admin
      .post('/api/advisors')
      .send(advisor('Lucia Marchetti', 'lucia.marchetti@example.it'));
    expect(first.status, first.text).toBe(201);
    const again = conflict(
      await admin.post('/api/advisors').send(advisor('Lucia Marchetti Bis', 'lucia.marchetti@example.it')),
    );
    expect(again.detail).toBe('an advisor with the e-mail lucia.marchetti@example.it already exists');
    expect(again.errors).toEqual([
      { path: 'email', message: "lucia.marchetti@example.it is another advisor's" },
    ]);
    const stored = (await stores.advisors.advisors()).filter((a) => a.email === 'lucia.marchetti@example.it');
    expect(stored.map((a) => a.name)).toEqual(['Lucia Marchetti']);
  });

  it('refuses an import under the id of one already recorded, naming the id, and records it once', async () => {
    const manager = await loggedInAgent(app, users.manager.username);
    const run = randomUUID();
    const csv = 'customer_ref,first_name,last_name,segment,locale\nCRM-0042,Marta,Ferri,family,it-IT\n';
    const upload = () =>
      manager
        .post(`/api/imports/customers?run=${run}&source=crm_sud`)
        .set('Content-Type', 'text/csv')
        .send(csv);
    const first = await upload();
    expect(first.status, first.text).toBeLessThan(300);
    const again = conflict(await upload());
    expect(again.detail).toBe(
      `an import with the id ${run} is already recorded: give each import an id of its own`,
    );
    const runs = await storage.db.selectFrom('import_runs').select('id').where('id', '=', run).execute();
    expect(runs).toHaveLength(1);
  });

  it('refuses a second answer to a contact’s NPS question, naming the contact, and keeps the first score', async () => {
    const { customer } = await gasCustomer(stores);
    const contact = await stores.interactions.record({
      customerId: customer.id,
      channel: 'call_centre',
      touchpoint: 'agent',
      direction: 'inbound',
      reason: 'bill_explanation',
      startedAt: new Date(Date.now() - 3_600_000),
      endedAt: new Date(Date.now() - 3_000_000),
      outcome: 'resolved',
    });
    const advisorAgent = await loggedInAgent(app, users.advisor.username);
    const answer = (score: number) =>
      advisorAgent.post(`/api/interactions/${contact.id}/survey-answers`).send({ metric: 'nps', score });
    expect((await answer(9)).status).toBe(201);
    const again = conflict(await answer(3));
    expect(again.detail).toBe(`interaction ${contact.id} already has an answer to its NPS question`);
    expect((await stores.surveys.forInteraction(contact.id)).map((a) => a.score)).toEqual([9]);
  });

  it('refuses a second account with a number another has, in words (the import and the seed add accounts)', async () => {
    const { customer, account } = await gasCustomer(stores);
    const twice = stores.customers.addAccount({
      customerId: customer.id,
      number: account.number,
      kind: 'electricity',
      supplyAddress: 'Via Garibaldi 12, 10122 Torino',
      tariff: 'Luce Casa',
      startedOn: '2025-01-01',
    });
    await expect(twice).rejects.toMatchObject({
      code: 'conflict',
      message: `an account numbered ${account.number} already exists`,
    });
    expect((await stores.customers.accounts(customer.id)).map((a) => a.number)).toEqual([account.number]);
  });
});
