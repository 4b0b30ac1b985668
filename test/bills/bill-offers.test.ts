import request from 'supertest';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeApp } from '../../app/compose.ts';
import type { StorageHandle } from '../../core/index.ts';
import { openTestDatabase } from '../support/database.ts';
import { staffPassword, staffUsers } from '../support/fixtures.ts';
import { dualFuelEnglish, dualFuelTurin } from '../support/households.ts';

// An offer beside the bill (the reactive e-mail, the bill's page) is shown only to customers who
// consented to marketing, and stops the moment they withdraw it.

const PUBLIC_URL = 'https://bollette.example.it';
let storage: StorageHandle;

beforeAll(async () => {
  storage = await openTestDatabase();
});

afterAll(async () => {
  await storage?.close();
});

// Thursday 5 March 2026, the day after the January–February bills were issued.
const now = new Date('2026-03-05T08:30:00Z');

const compose = () =>
  composeApp({
    storage,
    config: { PUBLIC_URL, SESSION_TTL_HOURS: 1, COOKIE_SECURE: true },
    logger: pino({ level: 'silent' }),
    clock: { now: () => now },
  });
type Composed = Awaited<ReturnType<typeof compose>>;

/** Both bills of the household's issue day, in the reactive style: their e-mails and their pages. */
async function reactiveBills(composed: Composed, customerId: string) {
  const bills = (await composed.stores.billing.bills(customerId, { limit: 50 })).filter(
    (b) => b.issuedOn === '2026-03-04',
  );
  expect(bills).toHaveLength(2);
  const sent = [];
  for (const bill of bills) {
    const { communication } = await composed.bills.sender.send(bill.id, {
      style: 'reactive',
      pilotId: null,
      arm: null,
    });
    sent.push(new URL(composed.bills.billLinks.url(communication)).pathname);
  }
  const messages = await composed.stores.outbox.recent({ limit: 10, customerId });
  return { paths: sent, emails: messages.filter((m) => m.kind === 'bill_reactive') };
}

describe('offers beside a bill', () => {
  it('are left out of the e-mail and the page of a customer who gave no marketing consent', async () => {
    const composed = await compose();
    const home = await dualFuelTurin(composed.stores);
    const { paths, emails } = await reactiveBills(composed, home.customer.id);
    expect(emails).toHaveLength(2);
    for (const email of emails) {
      expect(email.html).not.toContain('#eef6ee');
      expect(email.body).not.toMatch(/Prezzo bloccato|Luce verde|Controllo caldaia|Gas Sereno/);
    }
    for (const path of paths) {
      expect((await request(composed.app).get(path).expect(200)).text).not.toContain('class="card offer"');
    }
  });

  it('fit each supply of a customer who consented, and stop once the consent is withdrawn', async () => {
    const composed = await compose();
    const home = await dualFuelEnglish(composed.stores);
    // Consent given through the API, as the call centre records it.
    const { admin } = await staffUsers(composed.stores);
    const login = await request(composed.app)
      .post('/api/auth/login')
      .send({ username: admin.username, password: staffPassword })
      .expect(200);
    const cookie = String(login.headers['set-cookie']).split(';')[0] as string;
    const consent = (granted: boolean, givenAt: string) =>
      request(composed.app)
        .post(`/api/customers/${home.customer.id}/consents`)
        .set('Cookie', cookie)
        .send({ purpose: 'marketing', granted, givenAt, source: 'call_recording' });
    await consent(true, '2026-02-20T10:00:00Z').expect(201);
    // A marketing consent names no medium: one that does is refused, naming the field.
    const wrong = await request(composed.app)
      .post(`/api/customers/${home.customer.id}/consents`)
      .set('Cookie', cookie)
      .send({
        purpose: 'marketing',
        medium: 'sms',
        granted: true,
        givenAt: '2026-02-20T10:00:00Z',
        source: 'app',
      })
      .expect(400);
    expect(JSON.stringify(wrong.body)).toContain('medium');

    const { paths, emails } = await reactiveBills(composed, home.customer.id);
    const offers = emails.map(
      (m) => /<div[^>]*>([^<]*(?:price|boiler|Gas|power)[^<]*)<\/div>/i.exec(m.html ?? '')?.[1],
    );
    expect(offers.every((o) => o !== undefined)).toBe(true);
    // One supply is electricity, the other gas: each gets its own kind's offer, in the text part too.
    const texts = emails.map((m) => m.body);
    expect(texts.some((t) => /A price locked for 24 months|Green power, same price/.test(t))).toBe(true);
    expect(texts.some((t) => /Boiler check included|Steady Gas/.test(t))).toBe(true);
    for (const path of paths) {
      expect((await request(composed.app).get(path).expect(200)).text).toContain('class="card offer"');
    }

    await consent(false, '2026-03-05T08:00:00Z').expect(201);
    for (const path of paths) {
      expect((await request(composed.app).get(path).expect(200)).text).not.toContain('class="card offer"');
    }
  });
});
