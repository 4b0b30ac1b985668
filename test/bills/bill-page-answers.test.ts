import { DateTime } from 'luxon';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { REFERENCE_ZONE, systemClock, type Clock } from '../../core/index.ts';
import { composeForFile } from '../support/file-app.ts';
import { dualFuelTurin, threeSuppliesBologna, threeSuppliesEnglish } from '../support/households.ts';

// What the bill's page tells its customer, checked against the rows behind it: a booking's join
// link and whether its confirmation was queued, refusals in the customer's language, and the
// usage chart. Danilo-like customers are on paper only: no e-mail on file, SMS consent withdrawn.

const PUBLIC_URL = 'https://bollette.example.it';
const compose = composeForFile(PUBLIC_URL);
type Composed = Awaited<ReturnType<typeof compose>>;
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

/** A couple in Turin (electricity and gas, both issued on 4 March 2026) reached on paper only. */
async function postOnly(composed: Composed) {
  const home = await dualFuelTurin(composed.stores);
  await composed.stores.customers.update(home.customer.id, { email: null });
  await composed.stores.customers.recordConsent(home.customer.id, {
    purpose: 'contact',
    medium: 'sms',
    granted: false,
    givenAt: new Date('2026-01-10T10:00:00Z'),
    source: 'call_recording',
  });
  return home;
}

/** Each bill of 4 March of a household sent once, and its page's path. */
async function pathsOf(composed: Composed, home: Awaited<ReturnType<typeof dualFuelTurin>>) {
  const ofDay = Object.values(home.bills).flatMap((b) => b.filter((x) => x.issuedOn === '2026-03-04'));
  const paths = [];
  for (const bill of ofDay) {
    const { communication } = await composed.bills.sender.send(bill.id);
    paths.push({ communication, path: new URL(composed.bills.billLinks.url(communication)).pathname });
  }
  return paths;
}

async function advisorFor(composed: Composed, day: string) {
  const advisor = await composed.stores.advisors.addAdvisor({
    name: 'Chiara Ferri',
    email: `chiara.ferri+${Math.random().toString(36).slice(2)}@example.it`,
    languages: ['it-IT', 'en-US'],
    topics: ['billing'],
    timeZone: 'Europe/Rome',
  });
  await composed.stores.appointments.addOverride({
    advisorId: advisor.id,
    day,
    hours: [{ start: '09:00', end: '12:00' }],
    reason: null,
  });
  return advisor;
}

async function bookFirstSlot(composed: Composed, path: string) {
  const choose = await request(composed.app).get(`${path}/book`).expect(200);
  const startsAt = /name="startsAt" value="([^"]+)"/.exec(choose.text)?.[1];
  if (!startsAt) throw new Error('no free time offered');
  const booked = await request(composed.app)
    .post(`${path}/book`)
    .type('form')
    .send(form({ startsAt }))
    .expect(201);
  const join = /id="join" class="button primary" href="([^"]+)"/.exec(booked.text)?.[1];
  return { booked, startsAt, join: join?.replaceAll('&amp;', '&') };
}

describe("the bill's page, booking a consultation", () => {
  it('shows a post-only customer the join link on the real clock and says no confirmation was sent, since none was queued', async () => {
    const composed = await compose(systemClock);
    const home = await postOnly(composed);
    const tomorrow = DateTime.now().setZone(REFERENCE_ZONE).plus({ days: 1 }).toISODate() as string;
    await advisorFor(composed, tomorrow);
    const [first] = await pathsOf(composed, home);
    if (!first) throw new Error('the household has bills of the day');
    expect(first.communication.medium).toBe('post');

    const { booked, startsAt, join } = await bookFirstSlot(composed, first.path);
    expect(booked.headers['cache-control']).toBe('no-store');
    expect(booked.text).toContain(
      'Non ti abbiamo mandato conferme: salva questo link, ti serve per entrare.',
    );
    expect(booked.text).not.toContain('Ti abbiamo mandato la conferma');
    const [appointment] = await composed.stores.advisors.upcomingAppointments(home.customer.id, new Date());
    expect(appointment?.startsAt).toEqual(new Date(startsAt));
    expect(await composed.stores.outbox.recent({ limit: 20, customerId: home.customer.id })).toEqual([]);

    // The link on the page opens this consultation's page.
    expect(join).toMatch(new RegExp(`^${PUBLIC_URL}/join/`));
    const opened = await request(composed.app)
      .get(new URL(join as string).pathname)
      .expect(200);
    expect(opened.text).toContain('Chiara Ferri');
  });

  it('says the confirmation was sent by e-mail when it is in the outbox, with the same join link', async () => {
    const composed = await compose({ now: () => new Date('2026-03-05T08:30:00Z') } satisfies Clock);
    const home = await threeSuppliesBologna(composed.stores);
    await advisorFor(composed, '2026-03-06');
    const [first] = await pathsOf(composed, home);
    if (!first) throw new Error('the household has bills of the day');

    const { booked, join } = await bookFirstSlot(composed, first.path);
    expect(booked.text).toContain('Ti abbiamo mandato la conferma con lo stesso link per e-mail.');
    const [appointment] = await composed.stores.advisors.upcomingAppointments(
      home.customer.id,
      new Date('2026-03-05T08:30:00Z'),
    );
    const messages = await composed.stores.outbox.recent({ limit: 20, customerId: home.customer.id });
    const confirmation = messages.find((m) => m.appointmentId === appointment?.id);
    expect(confirmation?.medium).toBe('email');
    expect(confirmation?.body).toContain(join);
  });
});

describe("the bill's page, refusing", () => {
  const now = new Date('2026-03-05T08:30:00Z');
  const clock = { now: () => now };

  it('answers a browser with a page in both languages for a mangled link, and programs with problem details', async () => {
    const composed = await compose(clock);
    const home = await threeSuppliesBologna(composed.stores);
    const [first] = await pathsOf(composed, home);
    if (!first) throw new Error('the household has bills of the day');
    const mangled = `${first.path.slice(0, -6)}XXXXXX`;
    for (const step of ['', '/book', '/bill.pdf']) {
      const page = await request(composed.app).get(`${mangled}${step}`).set('Accept', BROWSER).expect(401);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.text).toContain('Link non valido');
      expect(page.text).toContain('Link not valid');
      expect(page.text).not.toContain('ask for a new link');
    }
    for (const step of ['/book', '/linking-code', '/paperless', '/pay']) {
      const page = await request(composed.app).post(`${mangled}${step}`).set('Accept', BROWSER).expect(401);
      expect(page.text).toContain('Questo link alla bolletta non è valido o è scaduto.');
    }
    const problem = await request(composed.app).get(mangled).set('Accept', 'application/json').expect(401);
    expect(problem.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('does not offer a post-only customer the Alexa code, and refuses it in Italian without their id or a staff hint', async () => {
    const composed = await compose(clock);
    const home = await postOnly(composed);
    const [first] = await pathsOf(composed, home);
    if (!first) throw new Error('the household has bills of the day');
    const bill = await request(composed.app).get(first.path).set('Accept', BROWSER).expect(200);
    expect(bill.text).not.toContain('/linking-code');
    expect(bill.text).not.toContain('Collega Alexa');

    const page = await request(composed.app)
      .post(`${first.path}/linking-code`)
      .set('Accept', BROWSER)
      .expect(409);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('non abbiamo un tuo indirizzo e-mail o numero di cellulare');
    const problem = await request(composed.app)
      .post(`${first.path}/linking-code`)
      .set('Accept', 'application/json')
      .expect(409);
    for (const answer of [page.text, problem.text]) {
      expect(answer).not.toContain(home.customer.id);
      expect(answer).not.toContain('record their consent');
    }
    expect(await composed.stores.outbox.recent({ limit: 20, customerId: home.customer.id })).toEqual([]);

    // A customer with e-mail still gets the button.
    const bologna = await threeSuppliesBologna(composed.stores);
    const [theirs] = await pathsOf(composed, bologna);
    const offered = await request(composed.app)
      .get(theirs?.path as string)
      .expect(200);
    expect(offered.text).toContain(`action="${theirs?.path}/linking-code"`);
  });

  it('answers a mistyped e-mail with the form again in the customer’s language, and malformed JSON as such', async () => {
    const composed = await compose(clock);
    const home = await postOnly(composed);
    const [first] = await pathsOf(composed, home);
    if (!first) throw new Error('the household has bills of the day');
    const typo = await request(composed.app)
      .post(`${first.path}/paperless`)
      .set('Accept', BROWSER)
      .type('form')
      .send(form({ email: 'mario.rossi@libero' }))
      .expect(400);
    expect(typo.headers['content-type']).toMatch(/^text\/html/);
    expect(typo.text).toContain('Questo indirizzo e-mail non sembra completo');
    expect(typo.text).toContain('value="mario.rossi@libero"');
    expect(typo.text).toContain(`action="${first.path}/paperless"`);
    const empty = await request(composed.app)
      .post(`${first.path}/paperless`)
      .set('Accept', BROWSER)
      .type('form')
      .send('')
      .expect(400);
    expect(empty.text).toContain('Scrivi la tua e-mail');

    const english = await threeSuppliesEnglish(composed.stores);
    await composed.stores.customers.update(english.customer.id, { email: null });
    const [theirs] = await pathsOf(composed, english);
    const englishTypo = await request(composed.app)
      .post(`${theirs?.path}/paperless`)
      .set('Accept', BROWSER)
      .type('form')
      .send(form({ email: 'jennifer.davis@gmail' }))
      .expect(400);
    expect(englishTypo.text).toContain('This e-mail address does not look complete');

    const malformed = await request(composed.app)
      .post(`${first.path}/paperless`)
      .type('json')
      .send('{"email": "mario.rossi@libero.it"')
      .expect(400);
    expect(malformed.body.detail).toBe('the request body is not valid JSON');
    await request(composed.app)
      .post(`${first.path}/book`)
      .set('Accept', BROWSER)
      .type('json')
      .send('{"startsAt":')
      .expect(400);
    const notASlot = await request(composed.app)
      .post(`${first.path}/book`)
      .set('Accept', BROWSER)
      .type('form')
      .send(form({ startsAt: 'domani alle 10' }))
      .expect(400);
    expect(notASlot.text).toContain('Scegli uno degli orari proposti.');
    const tooLong = await request(composed.app)
      .post(`${first.path}/paperless`)
      .set('Accept', BROWSER)
      .type('form')
      .send(form({ email: 'a'.repeat(5000) }));
    expect(tooLong.status).toBe(413);
    expect((await composed.stores.customers.get(home.customer.id))?.email).toBeNull();
  });
});

describe("the bill's page, its usage chart", () => {
  it('charts the bill’s month and the 12 before it, each bar’s period and usage in Italian', async () => {
    const composed = await compose({ now: () => new Date('2026-03-05T08:30:00Z') });
    const home = await threeSuppliesBologna(composed.stores);
    const account = await composed.stores.customers.addAccount({
      customerId: home.customer.id,
      number: `EL-${home.customer.id.slice(0, 8)}`,
      kind: 'electricity',
      supplyAddress: 'Via Saragozza 12, 40123 Bologna',
      tariff: 'Luce Mensile',
      startedOn: '2024-10-01',
    });
    // Monthly bills from November 2024 to February 2026: 16 months, the chart shows 13.
    let last;
    for (let m = 0; m < 16; m++) {
      const start = DateTime.fromISO('2024-11-01').plus({ months: m });
      last = await composed.stores.billing.issueBill({
        accountId: account.id,
        number: `2026/MM/${account.id.slice(0, 6)}/${m}`,
        periodStart: start.toISODate() as string,
        periodEnd: start.endOf('month').toISODate() as string,
        issuedOn: start.plus({ months: 1 }).toISODate() as string,
        dueOn: start.plus({ months: 1, days: 20 }).toISODate() as string,
        consumption: { quantity: 300 + m + 0.5, unit: 'kWh' },
        lines: [{ code: 'energy', description: 'Spesa per la materia energia', amountCents: 5_000 + m }],
      });
    }
    const { communication } = await composed.bills.sender.send(last?.id as string);
    const page = await request(composed.app)
      .get(new URL(composed.bills.billLinks.url(communication)).pathname)
      .expect(200);
    const titles = [...page.text.matchAll(/<rect[^>]*><title>([^<]+)<\/title>/g)].map((m) => m[1]);
    expect(page.text).toContain('Consumi degli ultimi 13 mesi in kWh');
    expect(titles).toHaveLength(13);
    expect(titles[0]).toBe('dal 1 febbraio 2025 al 28 febbraio 2025: 303,5 kWh');
    expect(titles.at(-1)).toBe('dal 1 febbraio 2026 al 28 febbraio 2026: 315,5 kWh');
  });
});
