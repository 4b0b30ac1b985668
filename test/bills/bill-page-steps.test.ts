import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../core/index.ts';
import { composeForFile } from '../support/file-app.ts';
import { dualFuelTurin, threeSuppliesBologna, threeSuppliesEnglish } from '../support/households.ts';

// The buttons of the bill's page, as the customer presses them after opening the bill from its
// e-mail or SMS: a video consultation about the bill, a code that links Alexa, paperless bills.
// Each step lands in the bill's journey, and what the page says happened is in the rows.

const PUBLIC_URL = 'https://bollette.example.it';
const compose = composeForFile(PUBLIC_URL);
type Composed = Awaited<ReturnType<typeof compose>>;

/** The bills a household was issued the same day, each sent once through the billing run. */
async function sent(composed: Composed, customerId: string, issuedOn: string) {
  const printDir = mkdtempSync(join(tmpdir(), 'bill-page-print-'));
  try {
    await composed.bills.sendIssued(issuedOn, { printDir });
  } finally {
    rmSync(printDir, { recursive: true, force: true });
  }
  const bills = await composed.stores.billing.bills(customerId, { limit: 50 });
  const ofDay = bills.filter((b) => b.issuedOn === issuedOn);
  const communications = await Promise.all(ofDay.map((b) => composed.bills.communications.forBill(b.id)));
  return communications.map((c) => {
    if (!c) throw new Error('a bill of the day was not sent');
    return { communication: c, path: new URL(composed.bills.billLinks.url(c)).pathname };
  });
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

describe("the bill's page, its buttons", () => {
  // Thursday 5 March 2026, the day after the January–February bills were issued.
  const now = new Date('2026-03-05T08:30:00Z');
  const clock = { now: () => now };

  it('books a video consultation about the bill in the bill’s journey, and says when', async () => {
    const composed = await compose(clock);
    const home = await dualFuelTurin(composed.stores);
    const advisor = await composed.stores.advisors.addAdvisor({
      name: 'Chiara Ferri',
      email: 'chiara.ferri@example.it',
      languages: ['it-IT'],
      topics: ['billing'],
      timeZone: 'Europe/Rome',
    });
    await composed.stores.appointments.addOverride({
      advisorId: advisor.id,
      day: '2026-03-06',
      hours: [{ start: '09:00', end: '12:00' }],
      reason: null,
    });
    const [first, second] = await sent(composed, home.customer.id, '2026-03-04');
    if (!first || !second) throw new Error('the household has two bills of the day');

    const bill = await request(composed.app).get(first.path).expect(200);
    expect(bill.text).toContain(`href="${first.path}/book"`);
    const choose = await request(composed.app).get(`${first.path}/book`).expect(200);
    expect(choose.text).toContain('venerdì 6 marzo');
    const offered = [...choose.text.matchAll(/name="startsAt" value="([^"]+)"/g)].map((m) => m[1]);
    // Within the advisor's morning of Friday 6 March (09:00–12:00 in Rome).
    const firstTime = new Date(offered[0] as string).getTime();
    expect(firstTime).toBeGreaterThanOrEqual(Date.parse('2026-03-06T08:00:00Z'));
    expect(firstTime).toBeLessThan(Date.parse('2026-03-06T11:00:00Z'));

    const booked = await request(composed.app)
      .post(`${first.path}/book`)
      .type('form')
      .send(form({ startsAt: offered[0] as string }))
      .expect(201);
    expect(booked.text).toContain('Videoconsulenza prenotata');
    expect(booked.text).toContain('venerdì 6 marzo');

    const appointments = await composed.stores.advisors.upcomingAppointments(home.customer.id, now);
    expect(appointments).toHaveLength(1);
    const opening = await composed.stores.interactions.journey(
      (await composed.stores.interactions.interaction(first.communication.sentInteractionId))!.journeyId,
    );
    expect(appointments[0]).toMatchObject({
      advisorId: advisor.id,
      topic: 'billing',
      bookedVia: 'web',
      startsAt: new Date(firstTime),
      journeyId: opening[0]?.journeyId,
    });
    // The confirmation goes out as for every booking, on the customer's medium.
    const messages = await composed.stores.outbox.recent({ limit: 20, customerId: home.customer.id });
    expect(messages.some((m) => m.appointmentId === appointments[0]?.id)).toBe(true);
  });

  it('answers 4xx to a booking that is not a time, or not a free slot, and books nothing', async () => {
    const composed = await compose(clock);
    const home = await threeSuppliesBologna(composed.stores);
    const [first] = await sent(composed, home.customer.id, '2026-03-04');
    if (!first) throw new Error('the household has bills of the day');
    for (const startsAt of ['domani alle 10', '', '2026-03-08T03:00:00Z']) {
      const answer = await request(composed.app)
        .post(`${first.path}/book`)
        .type('form')
        .send(form({ startsAt }));
      expect(answer.status, startsAt).toBeGreaterThanOrEqual(400);
      expect(answer.status, startsAt).toBeLessThan(500);
    }
    await request(composed.app).post(`${first.path}/book`).type('json').send('{"startsAt":').expect(400);
    expect(await composed.stores.advisors.upcomingAppointments(home.customer.id, now)).toEqual([]);
  });

  it('shows a code that links Alexa to the customer, the same one sent on their medium', async () => {
    const composed = await compose(clock);
    const home = await threeSuppliesEnglish(composed.stores);
    const [first] = await sent(composed, home.customer.id, '2026-03-04');
    if (!first) throw new Error('the household has bills of the day');

    const page = await request(composed.app).post(`${first.path}/linking-code`).expect(200);
    expect(page.headers['cache-control']).toBe('no-store');
    const code = /<p class="code">([^<]+)<\/p>/.exec(page.text)?.[1];
    expect(code).toMatch(/^\d{6,}$/);
    const messages = await composed.stores.outbox.recent({ limit: 20, customerId: home.customer.id });
    expect(messages.some((m) => m.body.includes(code as string))).toBe(true);

    const linked = await composed.voice.linking.redeem({
      platform: 'alexa',
      platformUserId: 'amzn1.ask.account.BILLPAGE',
      code: code as string,
    });
    expect(linked).toEqual({ status: 'linked', customerId: home.customer.id });
  });

  it('switches the customer to paperless once: consents stored, the switch in the journey, the next bill by e-mail', async () => {
    const composed = await compose(clock);
    const home = await dualFuelTurin(composed.stores);
    // A customer with no e-mail on file, whose bills come on paper.
    await composed.stores.customers.update(home.customer.id, { email: null });
    await composed.stores.customers.recordConsent(home.customer.id, {
      purpose: 'contact',
      medium: 'sms',
      granted: false,
      givenAt: new Date('2026-01-10T10:00:00Z'),
      source: 'call_recording',
    });
    const [first, second] = await sent(composed, home.customer.id, '2026-03-04');
    if (!first || !second) throw new Error('the household has two bills of the day');
    expect(first.communication.medium).toBe('post');

    const bill = await request(composed.app).get(first.path).expect(200);
    expect(bill.text).toContain('name="email"');
    await request(composed.app)
      .post(`${first.path}/paperless`)
      .type('form')
      .send(form({ email: 'non è una mail' }))
      .expect(400);
    await request(composed.app).post(`${first.path}/paperless`).type('form').send('').expect(400);
    expect((await composed.stores.customers.get(home.customer.id))?.email).toBeNull();

    const done = await request(composed.app)
      .post(`${first.path}/paperless`)
      .type('form')
      .send(form({ email: 'f.esposito@example.it' }))
      .expect(200);
    expect(done.text).toContain('niente carta');
    const again = await request(composed.app)
      .post(`${second.path}/paperless`)
      .type('form')
      .send('')
      .expect(200);
    expect(again.text).toContain('Ricevi già le bollette senza carta');

    // The e-mail typed is added to what is on file: the phone stays.
    expect(await composed.stores.customers.get(home.customer.id)).toMatchObject({
      email: 'f.esposito@example.it',
      phone: home.customer.phone,
    });
    expect(home.customer.phone).toMatch(/^\+39/);
    const consents = await composed.stores.customers.consents(home.customer.id);
    expect(consents.filter((c) => c.source === 'web_form' && c.givenAt.getTime() === now.getTime())).toEqual([
      expect.objectContaining({ purpose: 'contact', medium: 'email', granted: true }),
      expect.objectContaining({ purpose: 'contact', medium: 'post', granted: false }),
    ]);
    const switched = await composed.stores.interactions.fromSource('bill_paperless', first.communication.id);
    const sentContact = await composed.stores.interactions.interaction(first.communication.sentInteractionId);
    expect(switched).toMatchObject({
      channel: 'web',
      touchpoint: 'bill_page',
      journeyId: sentContact?.journeyId,
      details: { communicationId: first.communication.id, switchedTo: 'email' },
    });
    expect(
      await composed.stores.interactions.fromSource('bill_paperless', second.communication.id),
    ).toBeFalsy();
    expect((await request(composed.app).get(first.path).expect(200)).text).not.toContain('name="email"');

    // The next bill, a different style preferring SMS, goes by e-mail: no paper.
    const electricity = home.bills.electricity?.at(-1);
    if (!electricity) throw new Error('no electricity bill');
    const next = await composed.stores.billing.issueBill({
      accountId: electricity.accountId,
      number: '2026/EE/000999',
      periodStart: '2026-03-01',
      periodEnd: '2026-04-30',
      issuedOn: '2026-05-06',
      dueOn: '2026-05-26',
      consumption: { quantity: 402, unit: 'kWh' },
      lines: electricity.lines,
    });
    const { communication } = await composed.bills.sender.send(next.id, {
      style: 'active',
      pilotId: null,
      arm: null,
    });
    expect(communication.medium).toBe('email');
  });

  it('stamps the switch to paperless with the real clock', async () => {
    const composed = await compose(systemClock);
    const home = await threeSuppliesBologna(composed.stores);
    const bills = await composed.stores.billing.bills(home.customer.id, { limit: 50 });
    const latest = bills[0];
    if (!latest) throw new Error('no bill');
    const { communication } = await composed.bills.sender.send(latest.id);
    const path = new URL(composed.bills.billLinks.url(communication)).pathname;
    const before = Date.now();
    await request(composed.app).post(`${path}/paperless`).type('form').send('').expect(200);
    const switched = await composed.stores.interactions.fromSource('bill_paperless', communication.id);
    expect(switched?.startedAt.getTime()).toBeGreaterThanOrEqual(before);
    expect(switched?.startedAt.getTime()).toBeLessThanOrEqual(Date.now());
  });

  it('answers 4xx to every step of a forged link', async () => {
    const composed = await compose(clock);
    const forged = '/b/eyJmYWtlIjp0cnVlfQ.AAAA';
    await request(composed.app)
      .get(`${forged}/book`)
      .expect((r) => expect(r.status).toBeLessThan(500));
    for (const step of ['book', 'linking-code', 'paperless']) {
      const answer = await request(composed.app).post(`${forged}/${step}`).type('form').send('');
      expect(answer.status, step).toBeGreaterThanOrEqual(400);
      expect(answer.status, step).toBeLessThan(500);
    }
  });
});
